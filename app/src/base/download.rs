//! A file offered for download by a plain route (exports, templates): its type, a file name to
//! save it under, and never cached (the files carry names, hours and case data).
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A 200 response carrying `body` as an attachment named `name`, of type `content_type`, with
/// `Cache-Control: no-store`. A name that cannot be a header value (it never comes from a reader)
/// leaves the attachment unnamed rather than failing.
pub fn download(body: impl Into<Body>, content_type: &'static str, name: &str) -> Response {
    let mut resp = (StatusCode::OK, body.into()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).unwrap_or(HeaderValue::from_static("attachment"));
    h.insert(header::CONTENT_DISPOSITION, disposition);
    resp
}

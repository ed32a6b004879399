//! The two public forms that carry files (a new report, a reporter's message) are plain multipart
//! routes rather than server functions, so the browser can post them without JavaScript and the
//! WebAssembly app can post the same form. A plain form post gets a 303 redirect (to the receipt,
//! the case, or back to the form with the error kept in the session); a request that accepts JSON
//! gets JSON and a real status code.
use super::*;
use crate::base::errors::error_response;
use crate::state::HttpRoutes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use std::net::SocketAddr;

/// Upload forms read at once; the others wait (their bodies stay in the network buffers).
pub const UPLOAD_SLOTS: usize = 8;
/// How long a form waits for a slot before the client is asked to retry (429).
const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Where upload forms' files wait while their request handles them (disk, encrypted, bounded),
/// and the slots that bound how many are read at once. Registered by the server at start-up.
pub struct Uploads {
    slots: tokio::sync::Semaphore,
    spool: Spool,
}

impl Uploads {
    pub fn new(spool: Spool) -> Uploads {
        Uploads { slots: tokio::sync::Semaphore::new(UPLOAD_SLOTS), spool }
    }
}

/// The tip-off's routes outside Leptos.
pub fn http() -> HttpRoutes {
    HttpRoutes {
        router: axum::Router::new()
            .route("/report/submit", post(submit_report).layer(DefaultBodyLimit::disable()))
            .route("/lookup/message", post(reporter_message).layer(DefaultBodyLimit::disable())),
        upload_paths: &["/report/submit", "/lookup/message"],
        not_pages: &[],
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

fn see_other(path: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static(path))]).into_response()
}

/// Read an upload form, at most `UPLOAD_SLOTS` at a time (after `SLOT_WAIT` the client is asked
/// to retry: 429). The form token, its replay and the client's budget are checked when the token
/// arrives, before any file; files go to the upload spool (disk, encrypted, bounded), not memory.
async fn read_form(state: &AppState, req: Request, purpose: &'static str, bucket: Bucket) -> Result<UploadForm, AppError> {
    let uploads = state.area::<Uploads>()?;
    let client = client_of(state, &req);
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, uploads.slots.acquire()).await else {
        return Err(AppError::RateLimited);
    };
    let gate = FormGate { state, purpose, bucket, client };
    match Multipart::from_request(req, &()).await {
        Ok(mp) => read_multipart(mp, &uploads.spool, gate).await,
        Err(_) => Err(AppError::Request("bad_form".into())),
    }
}

/// The client address for the in-memory limits (see `TrustedProxies::client`); never stored.
fn client_of(state: &AppState, req: &Request) -> Option<IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    crate::state::client_address(state, peer, req.headers())
}

/// POST /report/submit
async fn submit_report(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let json = wants_json(req.headers());
    let form = read_form(&state, req, PURPOSE_REPORT, Bucket::Submit).await;
    match super::submit_report(&state, form).await {
        Ok(receipt) => {
            // A new session id before the receipt (with its access code) goes into the session.
            if let Err(e) = session.cycle_id().await {
                return error_response(&AppError::internal("session", e));
            }
            if let Err(e) = put_sealed(&state.data_key, &session, SESSION_RECEIPT, &receipt).await {
                return error_response(&e);
            }
            if json {
                Json(receipt).into_response()
            } else {
                see_other("/report/receipt")
            }
        }
        Err((error, draft)) => {
            if json {
                return error_response(&error);
            }
            let flash = Flash { error, draft };
            if let Err(e) = put_sealed(&state.data_key, &session, SESSION_FLASH, &flash).await {
                return error_response(&e);
            }
            see_other("/report/new")
        }
    }
}

/// POST /lookup/message
async fn reporter_message(State(state): State<AppState>, session: Session, req: Request) -> Response {
    let json = wants_json(req.headers());
    let result = async {
        let report_id = require_grant(&state, &session).await?;
        let form = read_form(&state, req, PURPOSE_MESSAGE, Bucket::Message).await?;
        add_reporter_message(&state, report_id, form).await
    }
    .await;
    match result {
        Ok(()) if json => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => see_other("/lookup/case"),
        Err(e) if json => error_response(&e),
        Err(AppError::Unauthorized) => see_other("/lookup"),
        Err(e) => match put_sealed(&state.data_key, &session, SESSION_MESSAGE_ERROR, &e).await {
            Ok(()) => see_other("/lookup/case"),
            Err(e) => error_response(&e),
        },
    }
}

//! The two public forms that carry files (a new report, a reporter's message) are plain multipart
//! routes rather than server functions, so the browser can post them without JavaScript and the
//! WebAssembly app can post the same form. A plain form post gets a 303 redirect (to the receipt,
//! the case, or back to the form with the error kept in the session); a request that accepts JSON
//! gets JSON and a real status code. Also the staff download of an attachment.
use crate::ServerState;
use app::base::errors::AppError;
use app::base::sealed::put_sealed;
use app::reports::abuse::Bucket;
use app::reports::ssr::{self as reports, Flash};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::SocketAddr;
use tower_sessions::Session;

const SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"))
}

fn see_other(path: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static(path))]).into_response()
}

pub fn error_json(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(err.clone())).into_response()
}

/// Read an upload form, at most `UPLOAD_SLOTS` at a time (a waiting body stays in the network
/// buffers; after `SLOT_WAIT` the client is asked to retry: 429). The form token, its replay and
/// the client's budget are checked when the token arrives, before any file; files go to the
/// upload spool (disk, encrypted, bounded), not memory.
async fn read_form(
    state: &ServerState,
    req: Request,
    purpose: &'static str,
    bucket: app::reports::abuse::Bucket,
) -> Result<reports::UploadForm, AppError> {
    let client = client_of(state, &req);
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, state.uploads.acquire()).await else {
        return Err(AppError::RateLimited);
    };
    let gate = reports::FormGate { state: &state.app, purpose, bucket, client };
    match Multipart::from_request(req, &()).await {
        Ok(mp) => reports::read_multipart(mp, &state.spool, gate).await,
        Err(_) => Err(AppError::Request("bad_form".into())),
    }
}

/// The client address for the in-memory limits (see `TrustedProxies::client`); never stored.
fn client_of(state: &ServerState, req: &Request) -> Option<std::net::IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    Some(state.app.area::<reports::ReportSettings>().ok()?.proxies.client(peer, req.headers()))
}

/// POST /report/submit
pub async fn submit_report(State(state): State<ServerState>, session: Session, req: Request) -> Response {
    let json = wants_json(req.headers());
    let form = read_form(&state, req, reports::PURPOSE_REPORT, Bucket::Submit).await;
    match reports::submit_report(&state.app, form).await {
        Ok(receipt) => {
            // A new session id before the receipt (with its access code) goes into the session.
            if let Err(e) = session.cycle_id().await {
                return error_json(&AppError::internal("session", e));
            }
            if let Err(e) = put_sealed(&state.app.data_key, &session, reports::SESSION_RECEIPT, &receipt).await {
                return error_json(&e);
            }
            if json {
                Json(receipt).into_response()
            } else {
                see_other("/report/receipt")
            }
        }
        Err((error, draft)) => {
            if json {
                return error_json(&error);
            }
            let flash = Flash { error, draft };
            if let Err(e) = put_sealed(&state.app.data_key, &session, reports::SESSION_FLASH, &flash).await {
                return error_json(&e);
            }
            see_other("/report/new")
        }
    }
}

/// POST /lookup/message
pub async fn reporter_message(State(state): State<ServerState>, session: Session, req: Request) -> Response {
    let json = wants_json(req.headers());
    let result = async {
        let report_id = reports::require_grant(&state.app, &session).await?;
        let form = read_form(&state, req, reports::PURPOSE_MESSAGE, Bucket::Message).await?;
        reports::add_reporter_message(&state.app, report_id, form).await
    }
    .await;
    match result {
        Ok(()) if json => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => see_other("/lookup/case"),
        Err(e) if json => error_json(&e),
        Err(AppError::Unauthorized) => see_other("/lookup"),
        Err(e) => match put_sealed(&state.app.data_key, &session, reports::SESSION_MESSAGE_ERROR, &e).await {
            Ok(()) => see_other("/lookup/case"),
            Err(e) => error_json(&e),
        },
    }
}

/// GET /staff/attachments/{id}: the stored file, for staff who may read reports. Served as a
/// download with its sniffed type, never rendered inline.
pub async fn staff_attachment(State(state): State<ServerState>, session: Session, Path(id): Path<i64>) -> Response {
    use app::accounts::{ssr::require_in, Permission};
    let user = match require_in(&state.app, &session, Permission::ReadReports).await {
        Ok(u) => u,
        Err(e) => return error_json(&e),
    };
    // Departments download only their own cases' files.
    let owner: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("select report_id from attachments where id = $1").bind(id).fetch_optional(&state.app.db.pool).await;
    match owner {
        Ok(Some(report_id)) => {
            let scope = app::cases::ssr::scope(&user);
            let allowed = match scope {
                Ok(sc) => app::cases::ssr::in_scope(&state.app.db, sc, report_id).await,
                Err(e) => Err(e),
            };
            if let Err(e) = allowed {
                return error_json(&e);
            }
        }
        Ok(None) => return error_json(&AppError::NotFound),
        Err(e) => return error_json(&AppError::internal("attachment", e)),
    }
    type Row = (String, Vec<u8>, i64, i64, String);
    let row: Result<Option<Row>, sqlx::Error> =
        sqlx::query_as("select content_type, data, sealed, report_id, sha256 from attachments where id = $1")
            .bind(id)
            .fetch_optional(&state.app.db.pool)
            .await;
    match row {
        Ok(Some((content_type, stored, sealed, report_id, sha256))) => {
            let data = if sealed == 1 {
                match state.app.data_key.decrypt_bytes(&stored, &reports::attachment_context(report_id, &sha256)) {
                    Ok(d) => d,
                    Err(e) => return error_json(&AppError::internal("attachment", e)),
                }
            } else {
                stored
            };
            let ext = match content_type.as_str() {
                "image/jpeg" => "jpg",
                "image/png" => "png",
                "application/pdf" => "pdf",
                "video/mp4" => "mp4",
                "video/quicktime" => "mov",
                "video/webm" => "webm",
                "audio/mpeg" => "mp3",
                "audio/mp4" => "m4a",
                "audio/wav" => "wav",
                _ => "bin",
            };
            let disposition = format!("attachment; filename=\"attachment-{id}.{ext}\"");
            let mut resp = data.into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Ok(None) => error_json(&AppError::NotFound),
        Err(e) => error_json(&AppError::internal("attachment", e)),
    }
}

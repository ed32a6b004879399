//! The classroom's routes outside Leptos (server only): a lesson file's upload by the training
//! administrator and its download by learners, with single byte ranges so a video can be sought.
//! What they read and write is `classroom_store`'s.
use super::classroom::LESSON_FILE_MAX;
use super::classroom_store::{file, store_file};
use crate::base::db::Db;
use crate::base::errors::AppError;

/// Where the administrator's lesson-file form posts (multipart: `lesson`, `file`).
pub const UPLOAD_PATH: &str = "/staff/training/lesson-file";
/// Where lesson files are served from (`/training/files/{lesson}`).
pub const FILES_PREFIX: &str = "/training/files/";

/// The classroom's routes outside Leptos: a lesson file's upload and its download.
pub fn router() -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(UPLOAD_PATH, post(upload).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/training/files/{id}", get(serve))
}

/// The one range of a `Range: bytes=…` header over a body of `len` bytes, inclusive: `None` to
/// send the whole body (no header, several ranges, another unit), `Some(Err(()))` when it cannot
/// be satisfied (416).
pub(crate) fn byte_range(header: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if len == 0 {
        return Some(Err(()));
    }
    let range = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() { len - 1 } else { b.parse::<u64>().ok()?.min(len - 1) };
        if start > end || start >= len {
            return Some(Err(()));
        }
        (start, end)
    };
    Some(Ok(range))
}

/// GET /training/files/{lesson}: the lesson's file, inline with its sniffed type (a video can be
/// sought: single byte ranges are served). Employees get the files of published courses, the
/// training administrator every file.
async fn serve(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    use crate::base::errors::error_response;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let drafts = match require_in(&state, &session, Permission::ManageCourses).await {
        Ok(_) => true,
        Err(_) => match require_in(&state, &session, Permission::OwnTraining).await {
            Ok(_) => false,
            Err(e) => return error_response(&e),
        },
    };
    let (content_type, data) = match file(&state.db, id, drafts).await {
        Ok(f) => f,
        Err(e) => return error_response(&e),
    };
    let len = data.len() as u64;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(|v| byte_range(v, len));
    let mut resp = match range {
        None => data.into_response(),
        Some(Err(())) => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
        Some(Ok((start, end))) => {
            let part = data[start as usize..=end as usize].to_vec();
            let mut r = (StatusCode::PARTIAL_CONTENT, part).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    resp
}

/// POST /staff/training/lesson-file: check the file (its type from its bytes, images re-encoded
/// without their metadata, archives and executables refused) and store it as the lesson's file;
/// back to the course editor, with the reason when it was refused (nothing stored then).
async fn upload(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    form: axum::extract::Multipart,
) -> axum::response::Response {
    use crate::accounts::{ssr::require_in, Permission};
    use crate::base::errors::error_response;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::IntoResponse;
    let user = match require_in(&state, &session, Permission::ManageCourses).await {
        Ok(u) => u,
        Err(e) => return error_response(&e),
    };
    let up = match crate::base::table::read_upload(form, LESSON_FILE_MAX).await {
        Ok(up) => up,
        Err(e) => return error_response(&e),
    };
    let Some(lesson) = up.fields.get("lesson").and_then(|s| s.trim().parse::<i64>().ok()) else {
        return error_response(&AppError::NotFound);
    };
    let course = match db_course_of(&state.db, lesson).await {
        Ok(c) => c,
        Err(e) => return error_response(&e),
    };
    let outcome: Result<(), String> = if up.too_large {
        Err("file_too_large".into())
    } else if up.bytes.is_empty() {
        Err("file_required".into())
    } else {
        let bytes = up.bytes;
        match tokio::task::spawn_blocking(move || crate::base::media::clean(bytes)).await {
            Err(e) => return error_response(&AppError::internal("lesson file", e)),
            Ok(Err(m)) => Err(m.code().to_string()),
            Ok(Ok(clean)) => match store_file(&state.db, user.id, lesson, &clean).await {
                Ok(_) => Ok(()),
                Err(AppError::Validation(errs)) => Err(errs.first().map(|e| e.code.clone()).unwrap_or_else(|| "validation".into())),
                Err(e) => return error_response(&e),
            },
        }
    };
    let to = match outcome {
        Ok(()) => format!("/staff/training/courses/{course}?file=1#lesson-{lesson}"),
        Err(code) => format!("/staff/training/courses/{course}?file_error={code}#lesson-{lesson}"),
    };
    match HeaderValue::from_str(&to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(e) => error_response(&AppError::internal("redirect", e)),
    }
}

async fn db_course_of(db: &Db, lesson: i64) -> Result<i64, AppError> {
    let course: Option<i64> = sqlx::query_scalar("select course_id from training_lessons where id = $1").bind(lesson).fetch_optional(&db.pool).await?;
    course.ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::byte_range;

    #[test]
    fn byte_ranges() {
        let cases: [(&str, u64, Option<Result<(u64, u64), ()>>); 11] = [
            ("bytes=0-", 10, Some(Ok((0, 9)))),
            ("bytes=0-3", 10, Some(Ok((0, 3)))),
            ("bytes=5-100", 10, Some(Ok((5, 9)))),
            ("bytes=-4", 10, Some(Ok((6, 9)))),
            ("bytes=-40", 10, Some(Ok((0, 9)))),
            ("bytes=10-", 10, Some(Err(()))),
            ("bytes=4-2", 10, Some(Err(()))),
            ("bytes=-0", 10, Some(Err(()))),
            ("bytes=0-1,4-5", 10, None),
            ("items=0-1", 10, None),
            ("bytes=a-b", 10, None),
        ];
        for (header, len, want) in cases {
            assert_eq!(byte_range(header, len), want, "{header}");
        }
    }
}

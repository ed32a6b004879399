//! Sending a multipart form with XMLHttpRequest (WebAssembly only): shows upload progress and
//! keeps the form, with its selected files, when the server refuses something. Used by the report
//! form and the question import.
use crate::base::errors::AppError;
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// Send the form's data (with `files` replaced by `files`, e.g. resized photos). Progress is
/// reported overall and per file (files travel in order, after the small text fields).
/// `false` when the browser cannot do it; the form is then posted the plain way.
pub fn send(
    form: &web_sys::HtmlFormElement,
    files: Option<Vec<(web_sys::Blob, String)>>,
    extra: &[(&str, String)],
    target: &'static str,
    done_url: &'static str,
    error: RwSignal<Option<AppError>>,
    progress: RwSignal<Option<u32>>,
    per_file: RwSignal<Vec<u32>>,
) -> bool {
    let Ok(data) = web_sys::FormData::new_with_form(form) else { return false };
    for (name, value) in extra {
        if data.set_with_str(name, value).is_err() {
            return false;
        }
    }
    let mut sizes = Vec::new();
    if let Some(files) = files {
        data.delete("files");
        for (blob, name) in files {
            sizes.push(blob.size());
            if data.append_with_blob_and_filename("files", &blob, &name).is_err() {
                return false;
            }
        }
    }
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else { return false };
    if xhr.open("POST", target).is_err() || xhr.set_request_header("Accept", "application/json").is_err() {
        return false;
    }
    if let Ok(up) = xhr.upload() {
        let sizes = sizes.clone();
        let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Some((e.loaded() / e.total() * 100.0).round() as u32));
                let files_total: f64 = sizes.iter().sum();
                let mut offset = (e.total() - files_total).max(0.0) * 0.5;
                let mut each = Vec::new();
                for size in &sizes {
                    let done = ((e.loaded() - offset) / size.max(1.0)).clamp(0.0, 1.0);
                    each.push((done * 100.0).round() as u32);
                    offset += size;
                }
                per_file.set(each);
            }
        });
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let done = xhr.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let status = done.status().unwrap_or(0);
        if (200..300).contains(&status) {
            let _ = window().location().set_href(done_url);
            return;
        }
        progress.set(None);
        let text = done.response_text().ok().flatten().unwrap_or_default();
        // `from_slice`: the reader the server functions use, so the decoder is compiled once (D43).
        let err = serde_json::from_slice::<AppError>(text.as_bytes()).unwrap_or_else(|_| match status {
            413 => AppError::field("files", "file_too_large"),
            429 => AppError::RateLimited,
            _ => AppError::Request("network".into()),
        });
        error.set(Some(err));
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        progress.set(None);
        error.set(Some(AppError::Request("network".into())));
    });
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    if xhr.send_with_opt_form_data(Some(&data)).is_err() {
        return false;
    }
    error.set(None);
    progress.set(Some(0));
    true
}


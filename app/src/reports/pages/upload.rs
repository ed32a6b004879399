//! Browser-side helpers of the report form (WebAssembly only): the position, and photos re-encoded
//! without their metadata before they are sent (the sending itself is `ui::upload::send`).
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

/// Ask the browser for the current position and put it in the coordinate fields.
pub fn locate(status: RwSignal<Option<&'static str>>) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        status.set(Some("geo_unavailable"));
        return;
    };
    let ok = Closure::<dyn FnMut(web_sys::Position)>::new(move |p: web_sys::Position| {
        let c = p.coords();
        for (id, v) in [("latitude", c.latitude()), ("longitude", c.longitude())] {
            if let Some(el) = document().get_element_by_id(id) {
                if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                    input.set_value(&format!("{v:.6}"));
                }
            }
        }
        status.set(Some("geo_done"));
    });
    let fail = Closure::<dyn FnMut()>::new(move || status.set(Some("geo_unavailable")));
    if geo
        .get_current_position_with_error_callback(ok.as_ref().unchecked_ref(), Some(fail.as_ref().unchecked_ref()))
        .is_err()
    {
        status.set(Some("geo_unavailable"));
    }
    ok.forget();
    fail.forget();
}

/// Every photo the browser can decode is drawn onto a canvas and re-encoded as JPEG (quality
/// 0.85) before it is sent, so its EXIF/XMP metadata (camera serial, time, GPS) never leaves
/// the phone; photos wider or taller than `MAX_SIDE` are scaled down on the way, which also
/// saves time on slow networks. The server re-encodes every image again (and is the only
/// cleaning step without JavaScript or for formats the browser cannot decode).
pub const MAX_SIDE: u32 = 2560;

async fn load_image(url: &str) -> Option<web_sys::HtmlImageElement> {
    let img = web_sys::HtmlImageElement::new().ok()?;
    let img2 = img.clone();
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        img2.set_onload(Some(&resolve));
        img2.set_onerror(Some(&reject));
    });
    img.set_src(url);
    wasm_bindgen_futures::JsFuture::from(loaded).await.ok()?;
    Some(img)
}

/// A re-encoded JPEG of `file` without its metadata, or `None` when it is not an image the
/// browser can decode.
pub async fn reencode(file: &web_sys::File) -> Option<web_sys::Blob> {
    if !file.type_().starts_with("image/") {
        return None;
    }
    let url = web_sys::Url::create_object_url_with_blob(file).ok()?;
    let img = load_image(&url).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    let img = img?;
    let (w, h) = (img.natural_width(), img.natural_height());
    if w == 0 || h == 0 {
        return None;
    }
    let scale = (f64::from(MAX_SIDE) / f64::from(w.max(h))).min(1.0);
    let (nw, nh) = (((f64::from(w)) * scale).round() as u32, ((f64::from(h)) * scale).round() as u32);
    let canvas = document().create_element("canvas").ok()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    canvas.set_width(nw);
    canvas.set_height(nh);
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, f64::from(nw), f64::from(nh)).ok()?;
    let blob = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &wasm_bindgen::JsValue::from_f64(0.85));
    });
    wasm_bindgen_futures::JsFuture::from(blob).await.ok()?.dyn_into::<web_sys::Blob>().ok()
}

async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// The files of an input with every photo re-encoded, the names to send, and — only when the
/// reporter asked to use the photo's location — the first photo's GPS position, read here
/// before re-encoding drops it.
pub async fn prepared(input: &web_sys::HtmlInputElement, want_location: bool) -> (Vec<(web_sys::Blob, String)>, Option<(f64, f64)>) {
    let Some(list) = input.files() else { return (Vec::new(), None) };
    let mut out = Vec::new();
    let mut gps = None;
    for i in 0..list.length() {
        let Some(f) = list.get(i) else { continue };
        if want_location && gps.is_none() && f.type_() == "image/jpeg" {
            gps = file_bytes(&f).await.and_then(|b| crate::reports::rules::exif_gps(&b));
        }
        match reencode(&f).await {
            Some(blob) => out.push((blob, format!("photo-{}.jpg", i + 1))),
            None => {
                let name = f.name();
                out.push((f.into(), name));
            }
        }
    }
    (out, gps)
}

/// (name, size in MB, preview URL for images) of the files chosen in an input.
pub fn chosen(input: &web_sys::HtmlInputElement) -> Vec<(String, f64, Option<String>)> {
    let Some(files) = input.files() else { return Vec::new() };
    (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|f| {
            let url = f
                .type_()
                .starts_with("image/")
                .then(|| web_sys::Url::create_object_url_with_blob(&f).ok())
                .flatten();
            (f.name(), f.size() / 1_048_576.0, url)
        })
        .collect()
}

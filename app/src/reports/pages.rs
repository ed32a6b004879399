//! Pages of the public tip-off. Every form is a plain HTML form (multipart for the two that carry
//! files, `ActionForm` for the rest), so each step works without JavaScript; the WebAssembly app
//! adds the proof of work, validation as you type, a draft kept in the browser and copying.
use super::api::{my_case, report_form, take_receipt, ClaimReward, CloseCase, FileObjection, LookupCase, WithdrawReport};
use super::{CaseView, Receipt, ReportDraft, ReportFormContext};
use crate::org::choice_name;
use crate::base::format::{fmt_date, fmt_yuan};
use crate::cases::labels::{report_type_label, reward_label, status_label};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;

fn kind_is_reward(kind: &str) -> bool {
    kind.starts_with("reward_")
}

/// The report draft kept in the browser's localStorage while the form is filled in (WebAssembly
/// only). Name, phone and joint reporters are never kept.
#[cfg(feature = "hydrate")]
pub(crate) mod draft {
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

    const KEY: &str = "sw_report_draft";
    const FIELDS: [&str; 10] = [
        "report_type", "sector", "town", "unit_name", "address", "latitude", "longitude", "seen_on", "description",
        "works_there",
    ];

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    fn field(form: &HtmlFormElement, name: &str) -> Option<Element> {
        form.query_selector(&format!("[name=\"{name}\"]")).ok()?
    }

    fn value(el: &Element) -> Option<String> {
        if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
            Some(i.value())
        } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
            Some(t.value())
        } else {
            el.dyn_ref::<HtmlSelectElement>().map(|s| s.value())
        }
    }

    fn set_value(el: &Element, v: &str) {
        if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
            i.set_value(v);
        } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
            t.set_value(v);
        } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
            s.set_value(v);
        }
    }

    pub fn save(form: &HtmlFormElement) {
        let map: std::collections::BTreeMap<&str, String> =
            FIELDS.iter().filter_map(|n| Some((*n, value(&field(form, n)?)?))).collect();
        if let (Some(st), Ok(json)) = (storage(), serde_json::to_string(&map)) {
            let _ = st.set_item(KEY, &json);
        }
    }

    /// Fill the form from a saved draft; `true` when something was restored.
    pub fn restore(form: &HtmlFormElement) -> bool {
        let Some(json) = storage().and_then(|st| st.get_item(KEY).ok().flatten()) else { return false };
        let Ok(map) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(&json) else { return false };
        let mut any = false;
        for name in FIELDS {
            if let (Some(v), Some(el)) = (map.get(name), field(form, name)) {
                if !v.is_empty() {
                    set_value(&el, v);
                    any = true;
                }
            }
        }
        any
    }

    pub fn clear() {
        if let Some(st) = storage() {
            let _ = st.remove_item(KEY);
        }
    }
}

/// Sending a multipart form with XMLHttpRequest (WebAssembly only): shows upload progress and
/// keeps the form, with its selected files, when the server refuses something.
#[cfg(feature = "hydrate")]
pub(crate) mod upload {
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
            let err = serde_json::from_str::<AppError>(&text).unwrap_or_else(|_| match status {
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
}

// ---- the report form ---------------------------------------------------------------------------------

#[component]
pub fn ReportNewPage() -> impl IntoView {
    let lang = use_i18n().get_locale_untracked().as_str();
    // Sent as ASCII-only JSON: see `ui::ascii_json` (the choices' names are Chinese text).
    let ctx = Resource::<_, crate::ui::ascii_json::AsciiJson>::new_with_options(
        move || lang,
        |lang| report_form(Some(lang.to_string())),
        false,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match ctx.await {
                    Ok(c) => view! { <ReportForm ctx=c /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportForm(ctx: ReportFormContext) -> impl IntoView {
    let i18n = use_i18n();
    let draft = ctx.draft.clone().unwrap_or_else(|| ReportDraft { anonymous: true, ..Default::default() });
    let error_rw = RwSignal::new(ctx.error.clone());
    let error: Signal<Option<crate::base::errors::AppError>> = error_rw.into();
    let progress = RwSignal::new(None::<u32>);
    let per_file = RwSignal::new(Vec::<u32>::new());
    let files_input = NodeRef::<leptos::html::Input>::new();
    let max_file_mb_u32 = ctx.max_file_mb;
    let chosen = RwSignal::new(Vec::<(String, f64, Option<String>)>::new());
    let anonymous = RwSignal::new(draft.anonymous);
    let pow_input = NodeRef::<leptos::html::Input>::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let hydrated = RwSignal::new(false);
    let restored = RwSignal::new(false);
    let desc_len = RwSignal::new(draft.description.chars().count());
    let phone_bad = RwSignal::new(false);
    let had_server_draft = ctx.draft.is_some();
    Effect::new(move |_| {
        hydrated.set(true);
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked() {
            if !had_server_draft && draft::restore(&form) {
                restored.set(true);
                if let Ok(Some(el)) = form.query_selector("#description") {
                    use wasm_bindgen::JsCast;
                    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                        desc_len.set(t.value().chars().count());
                    }
                }
            }
        }
        let _ = had_server_draft;
    });
    let on_input = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form_ref.get_untracked() {
            draft::save(&form);
        }
    };
    let clear_draft = move |_| {
        #[cfg(feature = "hydrate")]
        {
            draft::clear();
            restored.set(false);
        }
    };
    let token = ctx.token.clone();
    let pow_bits = ctx.pow_bits;
    // The proof of work is solved just before the browser sends the form (WebAssembly only;
    // without JavaScript the server waits a moment instead).
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if progress.get_untracked().is_some() {
            ev.prevent_default(); // already sending
            return;
        }
        let challenge = super::rules::token_challenge(&token).to_string();
        let counter = super::rules::solve_pow(&challenge, pow_bits);
        if let Some(input) = pow_input.get_untracked() {
            input.set_value(&counter.to_string());
        }
        #[cfg(feature = "hydrate")]
        if let (Some(form), Some(files)) = (form_ref.get_untracked(), files_input.get_untracked()) {
            ev.prevent_default();
            progress.set(Some(0));
            leptos::task::spawn_local(async move {
                let keep_location = form
                    .query_selector("input[name=use_photo_location]")
                    .ok()
                    .flatten()
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
                    .is_some_and(|c| c.checked());
                let (prepared, gps) = upload::prepared(&files, keep_location).await;
                // The photo's position goes into the coordinate fields (unless the reporter
                // filled them), marked as coming from the photo.
                let typed = |name: &str| {
                    form.query_selector(&format!("input[name={name}]"))
                        .ok()
                        .flatten()
                        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
                        .is_some_and(|i| !i.value().trim().is_empty())
                };
                let mut extra = Vec::new();
                if let Some((lat, lon)) = gps.filter(|_| !typed("latitude") && !typed("longitude")) {
                    extra.push(("latitude", format!("{lat:.6}")));
                    extra.push(("longitude", format!("{lon:.6}")));
                    extra.push(("location_from_photo", "1".to_string()));
                }
                if !upload::send(&form, Some(prepared), &extra, "/report/submit", "/report/receipt", error_rw, progress, per_file) {
                    // Fall back to the browser's own form post.
                    progress.set(None);
                    let _ = form.submit();
                }
            });
        }
        let _ = (&ev, error_rw, per_file, max_file_mb_u32, files_input);
    };
    let geo_status = RwSignal::new(None::<&'static str>);
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        upload::locate(geo_status);
    };
    let max_files = ctx.max_files as usize;
    let max_mb = f64::from(ctx.max_file_mb);
    let on_files = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        chosen.set(upload::chosen(&event_target::<web_sys::HtmlInputElement>(&_ev)));
    };
    let sectors = ctx.sectors.clone();
    let towns = ctx.towns.clone();
    let d = draft.clone();
    let field = move |name: &'static str| view! { <FieldErrors error field=name /> };
    let described = |name: &str| format!("{name}-errors");
    view! {
        <section class="page">
            <h1>{t!(i18n, form_title)}</h1>
            <p class="lead">{t!(i18n, form_lead)}</p>
            <form
                method="post"
                action="/report/submit"
                enctype="multipart/form-data"
                class="stack-form report-form"
                on:submit=on_submit
                on:input=on_input
                node_ref=form_ref
            >
                <FormError error />
                <Show when=move || hydrated.get()>
                    <p class="hint">
                        {move || restored.get().then(|| t_string!(i18n, form_draft_restored))} " "
                        {t!(i18n, form_draft_note)} " "
                        <button type="button" class="link" on:click=clear_draft>{t!(i18n, form_draft_clear)}</button>
                    </p>
                </Show>
                <FieldErrors error field="form" />
                <input type="hidden" name="form_token" value=ctx.token.clone() />
                <input type="hidden" name="pow" value="" node_ref=pow_input />

                <fieldset>
                    <legend>{t!(i18n, form_what)}</legend>
                    <label for="report_type">{t!(i18n, form_type)}</label>
                    <select id="report_type" name="report_type" required aria-describedby=described("report_type")>
                        <option value="">{t!(i18n, form_choose)}</option>
                        {crate::cases::REPORT_TYPES
                            .iter()
                            .map(|code| {
                                let selected = d.report_type == *code;
                                // Plain text: the language only changes with a new page load.
                                let label = report_type_label(i18n.get_locale_untracked(), code);
                                view! { <option value=*code selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                    {field("report_type")}
                    <label for="sector">{t!(i18n, form_sector)}</label>
                    <select id="sector" name="sector" required aria-describedby=described("sector")>
                        <option value="">{t!(i18n, form_choose)}</option>
                        {sectors
                            .into_iter()
                            .map(|c| {
                                let selected = d.sector == c.code;
                                let code = c.code.clone();
                                view! { <option value=code selected=selected>{c.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    {field("sector")}
                    <label for="unit_name">{t!(i18n, form_unit)}</label>
                    <input id="unit_name" name="unit_name" type="text" maxlength="200" value=d.unit_name.clone() />
                    <p class="hint">{t!(i18n, form_unit_hint)}</p>
                    {field("unit_name")}
                </fieldset>

                <fieldset>
                    <legend>{t!(i18n, form_where)}</legend>
                    <label for="town">{t!(i18n, form_town)}</label>
                    <select id="town" name="town" required aria-describedby=described("town")>
                        <option value="">{t!(i18n, form_choose)}</option>
                        {towns
                            .into_iter()
                            .map(|c| {
                                let selected = d.town == c.code;
                                let code = c.code.clone();
                                view! { <option value=code selected=selected>{c.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    {field("town")}
                    <label for="address">{t!(i18n, form_address)}</label>
                    <input id="address" name="address" type="text" required maxlength="300" value=d.address.clone() />
                    {field("address")}
                    <div class="row">
                        <div>
                            <label for="latitude">{t!(i18n, form_latitude)}</label>
                            <input id="latitude" name="latitude" type="text" inputmode="decimal" value=d.latitude.clone() />
                        </div>
                        <div>
                            <label for="longitude">{t!(i18n, form_longitude)}</label>
                            <input id="longitude" name="longitude" type="text" inputmode="decimal" value=d.longitude.clone() />
                        </div>
                    </div>
                    {field("latitude")}
                    <Show when=move || hydrated.get()>
                        <p class="actions">
                            <button type="button" class="secondary" id="use-location" on:click=locate>
                                {t!(i18n, form_use_my_location)}
                            </button>
                            <span role="status">
                                {move || {
                                    geo_status
                                        .get()
                                        .map(|c| match c {
                                            "geo_done" => t_string!(i18n, form_geo_done).to_string(),
                                            _ => t_string!(i18n, form_geo_unavailable).to_string(),
                                        })
                                }}
                            </span>
                        </p>
                    </Show>
                    <label class="check">
                        <input type="checkbox" name="use_photo_location" checked=d.use_photo_location />
                        {t!(i18n, form_use_photo_location)}
                    </label>
                    <label for="seen_on">{t!(i18n, form_seen_on)}</label>
                    <input id="seen_on" name="seen_on" type="date" value=d.seen_on.clone() />
                    {field("seen_on")}
                </fieldset>

                <fieldset>
                    <legend>{t!(i18n, form_details)}</legend>
                    <label for="description">{t!(i18n, form_description)}</label>
                    <textarea
                        id="description"
                        name="description"
                        rows="6"
                        required
                        maxlength="5000"
                        on:input=move |ev| desc_len.set(event_target_value(&ev).chars().count())
                    >
                        {d.description.clone()}
                    </textarea>
                    <p class="hint">{t!(i18n, form_description_hint)}</p>
                    <Show when=move || hydrated.get()>
                        <p class="hint" id="description-count" class:form-error=move || desc_len.get() < super::rules::DESCRIPTION_MIN>
                            {move || td_string!(i18n.get_locale(), form_description_count).replace("{n}", &desc_len.get().to_string())}
                        </p>
                    </Show>
                    {field("description")}
                    <label for="files">{t!(i18n, form_files)}</label>
                    <input
                        id="files"
                        name="files"
                        type="file"
                        multiple
                        accept="image/jpeg,image/png,image/webp,video/mp4,video/quicktime,video/webm,audio/*,application/pdf"
                        on:change=on_files
                        node_ref=files_input
                    />
                    <ul class="previews" id="file-previews">
                        {move || {
                            chosen
                                .get()
                                .into_iter()
                                .enumerate()
                                .map(|(i, (name, mb, url))| {
                                    let photo = url.is_some();
                                    let too_big = mb > max_mb && !photo;
                                    view! {
                                        <li class:form-error=too_big>
                                            {url.map(|u| view! { <img src=u alt="" width="72" height="72" /> })}
                                            <span>{format!("{name} · {mb:.1} MB")}</span>
                                            {too_big.then(|| view! { " · " {t!(i18n, err_file_too_large)} })}
                                            {photo.then(|| view! { " · " {t!(i18n, form_will_resize)} })}
                                            {move || {
                                                per_file
                                                    .with(|p| p.get(i).copied())
                                                    .filter(|_| progress.get().is_some())
                                                    .map(|p| {
                                                        view! {
                                                            " "
                                                            <progress class="file-progress" max="100" value=p.to_string()></progress>
                                                        }
                                                    })
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                    <Show when=move || { chosen.with(|c| c.len() > max_files) }>
                        <p class="form-error">{t!(i18n, err_too_many_files)}</p>
                    </Show>
                    <p class="hint">
                        {move || {
                            td_string!(i18n.get_locale(), form_files_hint)
                                .replace("{count}", &ctx.max_files.to_string())
                                .replace("{mb}", &ctx.max_file_mb.to_string())
                        }}
                    </p>
                    <p class="hint">{t!(i18n, form_metadata_note)}</p>
                    {field("files")}
                </fieldset>

                <fieldset>
                    <legend>{t!(i18n, form_who)}</legend>
                    <label class="check">
                        <input
                            type="radio"
                            name="identity"
                            value="anonymous"
                            checked=draft.anonymous
                            on:change=move |_| anonymous.set(true)
                        />
                        {t!(i18n, form_anonymous)}
                    </label>
                    <label class="check">
                        <input
                            type="radio"
                            name="identity"
                            value="real_name"
                            checked=!draft.anonymous
                            on:change=move |_| anonymous.set(false)
                        />
                        {t!(i18n, form_real_name)}
                    </label>
                    <p class="notice" role="note">{t!(i18n, form_anonymous_warning)}</p>
                    <div class="real-name" hidden=move || hydrated.get() && anonymous.get()>
                        <p class="hint">{t!(i18n, form_real_name_hint)}</p>
                        <label for="name">{t!(i18n, form_name)}</label>
                        <input id="name" name="name" type="text" maxlength="50" autocomplete="name" />
                        {field("name")}
                        <label for="phone">{t!(i18n, form_phone)}</label>
                        <input
                            id="phone"
                            name="phone"
                            type="tel"
                            maxlength="20"
                            autocomplete="tel"
                            on:blur=move |ev| {
                                let v = event_target_value(&ev);
                                phone_bad.set(!v.trim().is_empty() && !crate::base::validate::valid_phone(&v));
                            }
                        />
                        {field("phone")}
                        <Show when=move || phone_bad.get()>
                            <p class="form-error" id="phone-live">{move || crate::ui::error_text(i18n.get_locale(), "phone_invalid")}</p>
                        </Show>
                        <label for="joint_reporters">{t!(i18n, form_joint)}</label>
                        <textarea id="joint_reporters" name="joint_reporters" rows="2" maxlength="500">
                            {d.joint_reporters.clone()}
                        </textarea>
                        {field("joint_reporters")}
                    </div>
                    <label for="works_there">{t!(i18n, form_works_there)}</label>
                    <select id="works_there" name="works_there">
                        <option value="" selected=d.works_there.is_empty()>{t!(i18n, form_prefer_not)}</option>
                        <option value="yes" selected=d.works_there == "yes">{t!(i18n, form_yes)}</option>
                        <option value="no" selected=d.works_there == "no">{t!(i18n, form_no)}</option>
                    </select>
                    {field("works_there")}
                </fieldset>
                <p class="hint">{t!(i18n, form_truthful)}</p>
                <button type="submit" disabled=move || progress.get().is_some()>{t!(i18n, form_submit)}</button>
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            view! {
                                <p role="status" id="upload-progress">
                                    <progress max="100" value=p.to_string()></progress>
                                    " "
                                    {move || td_string!(i18n.get_locale(), form_uploading).replace("{p}", &p.to_string())}
                                </p>
                            }
                        })
                }}
                <p class="hint">{t!(i18n, form_submit_hint)}</p>
            </form>
        </section>
    }
}

// ---- the receipt --------------------------------------------------------------------------------------

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let receipt = Resource::new(|| (), |_| take_receipt());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(Some(r)) => view! { <ReceiptView receipt=r /> }.into_any(),
                    Ok(None) => view! { <ReceiptGone /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReceiptGone() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, receipt_gone_title)}</h1>
            <p>{t!(i18n, receipt_gone_body)}</p>
            <p><a href="/lookup">{t!(i18n, nav_lookup)}</a></p>
        </section>
    }
}

#[component]
fn ReceiptView(receipt: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        // The report is in: the draft kept in this browser is no longer needed.
        #[cfg(feature = "hydrate")]
        draft::clear();
    });
    let text = format!("{} {}", receipt.case_number, receipt.access_code);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(el) = document().get_element_by_id("receipt-text") {
                if let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>() {
                    input.select();
                    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
                        copied.set(doc.exec_command("copy").unwrap_or(false));
                    }
                }
            }
        }
    };
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().print();
        }
    };
    view! {
        <section class="page narrow receipt">
            <h1>{t!(i18n, receipt_title)}</h1>
            <p class="notice" role="alert">{t!(i18n, receipt_once)}</p>
            <dl class="facts receipt-facts">
                <dt>{t!(i18n, receipt_case_number)}</dt>
                <dd id="case-number" class="code">{receipt.case_number.clone()}</dd>
                <dt>{t!(i18n, receipt_access_code)}</dt>
                <dd id="access-code" class="code">{receipt.access_code.clone()}</dd>
                <dt>{t!(i18n, receipt_received)}</dt>
                <dd>{fmt_date(receipt.received_at)}</dd>
                <dt>{t!(i18n, receipt_files)}</dt>
                <dd id="files-stored">{receipt.files_stored}</dd>
            </dl>
            {receipt.location_from_photo.then(|| view! { <p>{t!(i18n, receipt_location_from_photo)}</p> })}
            {receipt
                .anonymous
                .then(|| view! { <p class="notice">{t!(i18n, receipt_anonymous_warning)}</p> })}
            <label for="receipt-text">{t!(i18n, receipt_copy_label)}</label>
            <input id="receipt-text" type="text" readonly value=text />
            <Show
                when=move || hydrated.get()
                fallback=move || view! { <p class="hint">{t!(i18n, receipt_print_hint)}</p> }
            >
                <div class="actions no-print">
                    <button type="button" id="copy-receipt" on:click=copy>{t!(i18n, receipt_copy)}</button>
                    <button type="button" class="secondary" on:click=print>{t!(i18n, receipt_print)}</button>
                    <span role="status">{move || copied.get().then(|| t_string!(i18n, receipt_copied))}</span>
                </div>
            </Show>
            <p class="no-print"><a href="/lookup">{t!(i18n, receipt_next)}</a></p>
        </section>
    }
}

// ---- lookup and the case --------------------------------------------------------------------------------

#[component]
pub fn LookupPage() -> impl IntoView {
    let i18n = use_i18n();
    let lookup = ServerAction::<LookupCase>::new();
    let error = Signal::derive(move || lookup.value().get().and_then(|r| r.err()));
    view! {
        <article class="page narrow">
            <h1>{t!(i18n, lookup_title)}</h1>
            <p class="lead">{t!(i18n, lookup_lead)}</p>
            <ActionForm action=lookup attr:class="stack-form">
                <FormError error />
                <label for="case_number">{t!(i18n, receipt_case_number)}</label>
                <input id="case_number" name="case_number" type="text" required maxlength="20" autocomplete="off" />
                <FieldErrors error field="case_number" />
                <label for="access_code">{t!(i18n, receipt_access_code)}</label>
                <input id="access_code" name="access_code" type="text" required maxlength="40" autocomplete="off" />
                <FieldErrors error field="access_code" />
                <button type="submit">{t!(i18n, lookup_submit)}</button>
            </ActionForm>
            <h2>{t!(i18n, lookup_deadlines_title)}</h2>
            <ul>
                <li>{t!(i18n, lookup_deadline_accept)}</li>
                <li>{t!(i18n, lookup_deadline_verify)}</li>
                <li>{t!(i18n, lookup_deadline_objection)}</li>
            </ul>
            <p>{t!(i18n, lookup_code_note)}</p>
        </article>
    }
}

/// The actions on a case. They live on the page so that the case is fetched again after each one
/// (in the WebAssembly app the redirect back to the same page does not reload it).
#[derive(Clone, Copy)]
struct CaseActions {
    withdraw: ServerAction<WithdrawReport>,
    object: ServerAction<FileObjection>,
    claim: ServerAction<ClaimReward>,
    close: ServerAction<CloseCase>,
}

#[component]
pub fn CasePage() -> impl IntoView {
    let actions = CaseActions {
        withdraw: ServerAction::<WithdrawReport>::new(),
        object: ServerAction::<FileObjection>::new(),
        claim: ServerAction::<ClaimReward>::new(),
        close: ServerAction::<CloseCase>::new(),
    };
    let case = Resource::new(
        move || {
            (
                actions.withdraw.version().get(),
                actions.object.version().get(),
                actions.claim.version().get(),
                actions.close.version().get(),
            )
        },
        |_| my_case(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(Some(c)) => view! { <CaseDetails case=c actions /> }.into_any(),
                    Ok(None) => view! { <CaseClosedNotice /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseClosedNotice() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, case_title)}</h1>
            <p>{t!(i18n, case_not_open)}</p>
            <p><a href="/lookup">{t!(i18n, lookup_submit)}</a></p>
        </section>
    }
}

#[component]
fn CaseDetails(case: CaseView, actions: CaseActions) -> impl IntoView {
    let i18n = use_i18n();
    let CaseActions { withdraw, object, claim, close } = actions;
    let withdraw_err = Signal::derive(move || withdraw.value().get().and_then(|r| r.err()));
    let object_err = Signal::derive(move || object.value().get().and_then(|r| r.err()));
    let claim_err = Signal::derive(move || claim.value().get().and_then(|r| r.err()));
    let message_err = Signal::stored(case.message_error.clone());
    let status = case.status.clone();
    let deadline = match case.status.as_str() {
        "replied" => case.objection_until,
        "submitted" | "accepted" | "verifying" | "extended" | "objection" | "review" => case.due_at,
        _ => None,
    };
    let reward_status = case.reward_status.clone();
    view! {
        <section class="page case">
            <h1>{t!(i18n, case_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, receipt_case_number)}</dt>
                <dd class="code" id="case-number">{case.case_number.clone()}</dd>
                <dt>{t!(i18n, case_status)}</dt>
                <dd id="case-status" data-status=case.status.clone()>
                    {move || status_label(i18n.get_locale(), &status)}
                </dd>
                <dt>{t!(i18n, receipt_received)}</dt>
                <dd>{fmt_date(case.received_at)}</dd>
                {deadline
                    .map(|d| {
                        view! {
                            <dt>{t!(i18n, case_deadline)}</dt>
                            <dd id="case-deadline">{fmt_date(d)}</dd>
                        }
                    })}
            </dl>

            <h2>{t!(i18n, case_timeline)}</h2>
            <ol class="timeline">
                {case
                    .timeline
                    .iter()
                    .map(|e| {
                        let kind = e.kind.clone();
                        let code = e.code.clone();
                        view! {
                            <li>
                                <time>{fmt_date(e.at)}</time>
                                " "
                                {move || status_label(i18n.get_locale(), &kind)}
                                {code.map(|c| {
                                    let key = match c.as_str() {
                                        "review_upheld" | "review_reverify" => c.clone(),
                                        _ if kind_is_reward(&e.kind) => format!("rd_{c}"),
                                        _ => format!("rc_{c}"),
                                    };
                                    view! { <p class="note code">{move || crate::cases::labels::wf_label(i18n.get_locale(), &key)}</p> }
                                })}
                                {e.note.clone().map(|n| view! { <p class="note">{n}</p> })}
                                {e.department.clone().map(|d| view! { <p class="note">{move || choice_name(i18n.get_locale(), &d)}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>

            {case
                .reply
                .clone()
                .map(|reply| {
                    view! {
                        <h2>{t!(i18n, case_reply)}</h2>
                        <p class="hint">{case.replied_at.map(fmt_date)}</p>
                        <div class="reply" id="case-reply">{reply}</div>
                    }
                })}

            <h2>{t!(i18n, case_messages)}</h2>
            <crate::cases::views::MessageList messages=case.messages.clone() staff_view=false />
            {case
                .can_message
                .then(|| {
                    view! {
                        <form method="post" action="/lookup/message" enctype="multipart/form-data" class="stack-form">
                            <FormError error=message_err />
                            <FieldErrors error=message_err field="form" />
                            <input type="hidden" name="form_token" value=case.message_token.clone() />
                            <label for="body">{t!(i18n, case_message_label)}</label>
                            <textarea id="body" name="body" rows="3" required maxlength="2000"></textarea>
                            <FieldErrors error=message_err field="body" />
                            <label for="message-files">{t!(i18n, form_files)}</label>
                            <input id="message-files" name="files" type="file" multiple />
                            <FieldErrors error=message_err field="files" />
                            <button type="submit">{t!(i18n, case_message_send)}</button>
                        </form>
                    }
                })}

            {case
                .can_object
                .then(|| {
                    view! {
                        <h2>{t!(i18n, case_objection_title)}</h2>
                        <p>
                            {move || {
                                td_string!(i18n.get_locale(), case_objection_hint)
                                    .replace("{date}", &case.objection_until.map(fmt_date).unwrap_or_default())
                            }}
                        </p>
                        <ActionForm action=object attr:class="stack-form">
                            <FormError error=object_err />
                            <label for="objection">{t!(i18n, case_objection_label)}</label>
                            <textarea id="objection" name="objection" rows="4" required maxlength="2000"></textarea>
                            <FieldErrors error=object_err field="objection" />
                            <button type="submit">{t!(i18n, case_objection_submit)}</button>
                        </ActionForm>
                    }
                })}

            <h2>{t!(i18n, case_reward)}</h2>
            <p id="reward-status" data-status=case.reward_status.clone()>
                {move || reward_label(i18n.get_locale(), &reward_status)}
                {case.reward_amount_fen.map(|f| format!(" · ¥{}", fmt_yuan(f)))}
                {case
                    .reward_claim_until
                    .filter(|_| case.can_claim)
                    .map(|d| {
                        view! {
                            " · "
                            {move || td_string!(i18n.get_locale(), case_claim_until).replace("{date}", &fmt_date(d))}
                        }
                    })}
            </p>
            {case
                .can_claim
                .then(|| {
                    view! {
                        <p>{t!(i18n, case_claim_hint)}</p>
                        <ActionForm action=claim attr:class="stack-form">
                            <FormError error=claim_err />
                            <label for="claim_code">{t!(i18n, receipt_access_code)}</label>
                            <input id="claim_code" name="claim_code" type="text" required autocomplete="off" />
                            <FieldErrors error=claim_err field="claim_code" />
                            <label for="payee_name">{t!(i18n, case_payee_name)}</label>
                            <input id="payee_name" name="payee_name" type="text" required maxlength="50" />
                            <FieldErrors error=claim_err field="payee_name" />
                            <label for="id_number">{t!(i18n, case_id_number)}</label>
                            <input id="id_number" name="id_number" type="text" required maxlength="18" autocomplete="off" />
                            <FieldErrors error=claim_err field="id_number" />
                            <label for="bank">{t!(i18n, case_bank)}</label>
                            <input id="bank" name="bank" type="text" required maxlength="100" />
                            <FieldErrors error=claim_err field="bank" />
                            <label for="account">{t!(i18n, case_account)}</label>
                            <input id="account" name="account" type="text" required inputmode="numeric" maxlength="40" autocomplete="off" />
                            <FieldErrors error=claim_err field="account" />
                            <button type="submit">{t!(i18n, case_claim_submit)}</button>
                        </ActionForm>
                    }
                })}

            {case
                .can_withdraw
                .then(|| {
                    view! {
                        <h2>{t!(i18n, case_withdraw_title)}</h2>
                        <ActionForm action=withdraw attr:class="stack-form">
                            <FormError error=withdraw_err />
                            <label class="check">
                                <input type="checkbox" name="confirm" value="yes" />
                                {t!(i18n, case_withdraw_confirm)}
                            </label>
                            <FieldErrors error=withdraw_err field="withdraw" />
                            <button type="submit" class="secondary">{t!(i18n, case_withdraw_submit)}</button>
                        </ActionForm>
                    }
                })}

            <ActionForm action=close attr:class="inline-form">
                <button type="submit" class="secondary">{t!(i18n, case_close)}</button>
            </ActionForm>
        </section>
    }
}



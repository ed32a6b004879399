//! The report form (举报): fields, files, proof of work, draft kept in the browser.
use super::*;

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
        let challenge = super::super::rules::token_challenge(&token).to_string();
        let counter = super::super::rules::solve_pow(&challenge, pow_bits);
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
                if !crate::ui::upload::send(&form, Some(prepared), &extra, "/report/submit", "/report/receipt", error_rw, progress, per_file) {
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
                        <p class="hint" id="description-count" class:form-error=move || desc_len.get() < super::super::rules::DESCRIPTION_MIN>
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

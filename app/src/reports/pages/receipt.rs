//! The receipt: case number and access code, shown once.
use super::*;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let receipt = crate::ui::json_resource(|| (), |_| take_receipt());
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

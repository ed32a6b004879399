//! The certificate pages: the public check (`/verify?code=…`, a plain GET form: works without
//! JavaScript, and the QR code leads straight to it) and the printable A4 page
//! (`/certificates/:code`) with the issuer's revoke and reissue forms.
use super::api::{printable_certificate, verify_certificate, ReissueCertificate, RevokeCertificate};
use super::{Certificate, Kind, Standing, REASON_MAX};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn kind_label(locale: Locale, k: Kind) -> &'static str {
    match k {
        Kind::Session => td_string!(locale, cert_kind_session),
        Kind::Course => td_string!(locale, cert_kind_course),
        Kind::Contest => td_string!(locale, cert_kind_contest),
    }
}

pub fn standing_label(locale: Locale, s: Standing) -> &'static str {
    match s {
        Standing::Valid => td_string!(locale, cert_valid),
        Standing::Expired => td_string!(locale, cert_expired),
        Standing::Revoked => td_string!(locale, cert_revoked),
    }
}

/// What a certificate states, as a definition list (the public check shows exactly this).
#[component]
fn Facts(c: Certificate) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <dl class="facts">
            <dt>{t!(i18n, cert_holder)}</dt><dd id="cert-holder">{c.holder.clone()}</dd>
            <dt>{t!(i18n, cert_what)}</dt><dd id="cert-title">{kind_label(locale, c.kind)} "：" {c.title.clone()}</dd>
            {c.hours.clone().map(|h| view! { <dt>{t!(i18n, tr_hours)}</dt><dd>{h}</dd> })}
            <dt>{t!(i18n, cert_issuer)}</dt><dd>{c.issuer.clone()}</dd>
            <dt>{t!(i18n, cert_issued_on)}</dt><dd>{c.issued_on.clone()}</dd>
            {c.valid_until.clone().map(|d| view! { <dt>{t!(i18n, cert_valid_until)}</dt><dd>{d}</dd> })}
            <dt>{t!(i18n, cert_code)}</dt><dd class="code">{c.code.clone()}</dd>
        </dl>
    }
}

/// `/verify?code=…`: is this certificate genuine and does it still stand?
#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code").unwrap_or_default());
    let result = crate::ui::json_resource(code, verify_certificate);
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, cert_verify_title)}</h1>
            <p class="hint">{t!(i18n, cert_verify_hint)}</p>
            <form method="get" action="/verify" id="verify-form">
                <label for="verify-code">{t!(i18n, cert_code)}</label>
                <input id="verify-code" name="code" type="text" required maxlength="30" autocomplete="off" value=code />
                <button type="submit">{t!(i18n, cert_verify)}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match result.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(c)) => {
                            let standing = c.standing;
                            let class = if standing == Standing::Valid { "notice" } else { "form-error" };
                            view! {
                                <section id="verify-result" class=class role="status">
                                    <p id="cert-standing"><strong>{standing_label(locale, standing)}</strong>
                                        {c.revoked_on.clone().map(|d| view! { " · " {t!(i18n, cert_revoked_on)} " " {d} })}
                                    </p>
                                    <Facts c />
                                </section>
                            }
                                .into_any()
                        }
                        Err(e) => {
                            let e = Signal::derive(move || Some(e.clone()));
                            view! {
                                <div id="verify-error">
                                    <FieldErrors error=e field="code" />
                                    <FormError error=e />
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/certificates/:code`: the A4 certificate (print it from the browser), and for its issuer the
/// forms to revoke or reissue it.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let revoke = ServerAction::<RevokeCertificate>::new();
    let reissue = ServerAction::<ReissueCertificate>::new();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let data = crate::ui::json_resource(move || (code(), revoke.version().get()), |(c, _)| printable_certificate(c));
    let err = Signal::derive(move || revoke.value().get().and_then(|r| r.err()).or_else(|| reissue.value().get().and_then(|r| r.err())));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let locale = i18n.get_locale_untracked();
                match data.await {
                    Ok(p) => {
                        let c = p.certificate.clone();
                        let standing = c.standing;
                        let (code1, code2) = (c.code.clone(), c.code.clone());
                        view! {
                            <section class="page">
                                <p class="no-print hint">{t!(i18n, cert_print_hint)}</p>
                                {(standing != Standing::Valid).then(|| view! {
                                    <p id="cert-standing" class="form-error" role="status">{standing_label(locale, standing)}
                                        {c.revoked_on.clone().map(|d| view! { " · " {d} })}
                                    </p>
                                })}
                                <article class="certificate" id="certificate">
                                    <h1>{kind_label(locale, c.kind)}</h1>
                                    <p class="cert-lead">
                                        <strong>{c.holder.clone()}</strong> " " {t!(i18n, cert_completed)} " "
                                        <strong>{c.title.clone()}</strong>
                                        {c.hours.clone().map(|h| view! { "（" {h} " " {t!(i18n, cert_hours_unit)} "）" })}
                                    </p>
                                    <Facts c=c.clone() />
                                    <figure class="cert-qr">
                                        <div inner_html=p.qr_svg.clone()></div>
                                        <figcaption>{t!(i18n, cert_scan)} <br /> <span class="code" id="verify-url">{p.verify_url.clone()}</span></figcaption>
                                    </figure>
                                </article>
                                {(p.can_manage && standing == Standing::Valid).then(|| view! {
                                    <section class="no-print" id="cert-manage">
                                        <h2>{t!(i18n, cert_manage)}</h2>
                                        <ActionForm action=revoke attr:id="revoke-form">
                                            <input type="hidden" name="code" value=code1 />
                                            <label for="revoke-reason">{t!(i18n, cert_revoke_reason)}</label>
                                            <input id="revoke-reason" name="reason" type="text" required maxlength=REASON_MAX.to_string() />
                                            <button type="submit" class="secondary">{t!(i18n, cert_revoke)}</button>
                                        </ActionForm>
                                        <ActionForm action=reissue attr:id="reissue-form">
                                            <input type="hidden" name="code" value=code2 />
                                            <p class="hint">{t!(i18n, cert_reissue_hint)}</p>
                                            <button type="submit">{t!(i18n, cert_reissue)}</button>
                                        </ActionForm>
                                        <FieldErrors error=err field="reason" />
                                        <FieldErrors error=err field="op" />
                                        <FormError error=err />
                                    </section>
                                })}
                            </section>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

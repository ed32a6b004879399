//! Server functions of certificates: the public check, and printing, revoking and reissuing
//! (signed in, and scoped to the certificate: its issuer or its holder; anyone else gets "not
//! found", so codes cannot be probed through these).
use super::{Certificate, Printable};
use crate::base::errors::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
async fn scoped(code: &str) -> Result<(crate::accounts::CurrentUser, super::ssr::Found, bool, crate::state::AppState), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::Certificates).await?;
    let state = crate::state::app_state()?;
    let code = super::parse_code(code).ok_or(AppError::NotFound)?;
    let found = super::ssr::find(&state.db, &code).await?.ok_or(AppError::NotFound)?;
    let (view, manage) = super::ssr::access(&state.db, &user, &found).await?;
    if !view {
        return Err(AppError::NotFound);
    }
    Ok((user, found, manage, state))
}

/// Check a certificate by its code (public, no login): what it shows and whether it stands.
/// `None` when no code was given.
#[server(endpoint = "verify_certificate")]
pub async fn verify_certificate(#[server(default)] code: String) -> Result<Option<Certificate>, AppError> {
    if code.trim().is_empty() {
        return Ok(None);
    }
    let state = crate::state::app_state()?;
    let code = super::parse_code(&code).ok_or_else(|| AppError::field("code", "certificate_code_invalid"))?;
    if !state.area::<crate::base::clients::RateLimiter>()?.allow("certificate_verify", crate::state::client_ip(), super::ssr::VERIFY_PER_HOUR) {
        return Err(AppError::RateLimited);
    }
    match super::ssr::find(&state.db, &code).await? {
        Some(f) => Ok(Some(f.certificate)),
        None => Err(AppError::field("code", "certificate_unknown")),
    }
}

/// The printable certificate with its QR code (its holder and its issuer).
#[server(endpoint = "printable_certificate")]
pub async fn printable_certificate(code: String) -> Result<Printable, AppError> {
    let (_, found, can_manage, state) = scoped(&code).await?;
    let settings = state.area::<super::ssr::CertificateSettings>()?;
    let verify_url = super::ssr::verify_url(settings, &found.certificate.code);
    let qr_svg = super::ssr::qr_svg(&verify_url)?;
    Ok(Printable { certificate: found.certificate, verify_url, qr_svg, can_manage })
}

/// Revoke a certificate, with the reason (its issuer).
#[server(endpoint = "revoke_certificate")]
pub async fn revoke_certificate(code: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (user, found, can_manage, state) = scoped(&code).await?;
    if !can_manage {
        return Err(AppError::Forbidden);
    }
    super::ssr::revoke(&state.db, user.id, &found, &reason).await?;
    leptos_axum::redirect(&format!("/certificates/{}", found.certificate.code));
    Ok(())
}

/// Reissue a certificate under a new code (its issuer); then the new certificate's page.
#[server(endpoint = "reissue_certificate")]
pub async fn reissue_certificate(code: String) -> Result<(), AppError> {
    let (user, found, can_manage, state) = scoped(&code).await?;
    if !can_manage {
        return Err(AppError::Forbidden);
    }
    let new = super::ssr::reissue(&state.db, user.id, &found).await?;
    leptos_axum::redirect(&format!("/certificates/{}", super::grouped(&new)));
    Ok(())
}

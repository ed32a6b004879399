//! The import page's server function (training administrator only). The file itself is posted to
//! the plain multipart route `/staff/questions/upload` (see `ssr::routes`).
use super::ImportPageData;
use crate::base::errors::AppError;
use leptos::prelude::*;

#[server(endpoint = "import_page")]
pub async fn import_page() -> Result<ImportPageData, AppError> {
    use crate::accounts::{ssr::require, Permission};
    require(Permission::ManageQuestions).await?;
    let state = crate::state::app_state()?;
    let session = crate::accounts::ssr::session().await?;
    Ok(ImportPageData {
        report: super::ssr::take_report(&session).await?,
        sectors: crate::org::ssr::all_choices(&state.db, "sectors").await?,
    })
}

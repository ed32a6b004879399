//! The staff case page: the report as the reporter sent it (content, attachments, messages — never
//! the reporter's identity, which is revealed only with a reason and a log entry), the answer to
//! the reporter and the spam flag, with the case's work panel (`pages::CaseWorkPanel`) below.
use crate::base::errors::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffReportRow {
    pub case_number: String,
    pub report_type: String,
    pub sector: String,
    pub town: String,
    pub status: String,
    pub anonymous: bool,
    pub spam: bool,
    pub received_at: i64,
    pub due_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAttachment {
    pub id: i64,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub metadata_removed: bool,
    pub message_index: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub row: StaffReportRow,
    pub unit_name: Option<String>,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_from_photo: bool,
    pub seen_on: Option<String>,
    pub description: String,
    pub works_there: Option<bool>,
    pub attachments: Vec<StaffAttachment>,
    pub messages: Vec<crate::cases::CaseMessage>,
}

#[server(endpoint = "staff_report")]
pub async fn staff_report(case_number: String) -> Result<ReportDetail, AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    let id = crate::cases::ssr::case_id(&state.db, &user, &case_number).await?;
    ssr::detail(&state.db, id).await
}

#[server(endpoint = "staff_message")]
pub async fn staff_message(case_number: String, body: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::ReadReports).await?;
    let state = crate::state::app_state()?;
    let id = crate::cases::ssr::case_id(&state.db, &user, &case_number).await?;
    ssr::message(&state.db, user.id, id, &body).await?;
    leptos_axum::redirect(&format!("/staff/reports/{}", crate::cases::normalize_code(&case_number)));
    Ok(())
}

#[server(endpoint = "staff_flag_spam")]
pub async fn staff_flag_spam(case_number: String, spam: String) -> Result<(), AppError> {
    use crate::accounts::{ssr::require, Permission};
    let user = require(Permission::TriageReports).await?;
    let state = crate::state::app_state()?;
    let id = crate::cases::ssr::case_id(&state.db, &user, &case_number).await?;
    ssr::flag_spam(&state.db, user.id, id, spam == "yes").await?;
    leptos_axum::redirect(&format!("/staff/reports/{}", crate::cases::normalize_code(&case_number)));
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{StaffAttachment, ReportDetail, StaffReportRow};
    use crate::base::db::{now, Db};
    use crate::base::errors::AppError;
    use crate::base::audit::{self, Entry};

    const ROW_SQL: &str = "select r.case_number, r.report_type, s.code, t.code, r.status, r.anonymous, r.spam, \
         r.received_at, r.due_at from reports r join sectors s on s.id = r.sector_id join towns t on t.id = r.town_id";

    type Row = (String, String, String, String, String, i64, i64, i64, Option<i64>);

    fn row(r: Row) -> StaffReportRow {
        StaffReportRow {
            case_number: r.0,
            report_type: r.1,
            sector: r.2,
            town: r.3,
            status: r.4,
            anonymous: r.5 == 1,
            spam: r.6 == 1,
            received_at: r.7,
            due_at: r.8,
        }
    }

    pub async fn detail(db: &Db, id: i64) -> Result<ReportDetail, AppError> {
        let r: Row = sqlx::query_as(&format!("{ROW_SQL} where r.id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
        #[allow(clippy::type_complexity)]
        let (unit_name, address, lat, lon, from_photo, seen_on, description, works_there): (
            Option<String>,
            String,
            Option<i64>,
            Option<i64>,
            i64,
            Option<String>,
            String,
            Option<i64>,
        ) = sqlx::query_as(
            "select unit_name, address, latitude_e6, longitude_e6, location_from_photo, seen_on, description, \
             works_there from reports where id = $1",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        let messages: Vec<(i64, String, String, i64)> =
            sqlx::query_as("select id, author, body, created_at from report_messages where report_id = $1 order by id")
                .bind(id)
                .fetch_all(&db.pool)
                .await?;
        let files: Vec<(i64, String, String, i64, i64, Option<i64>)> = sqlx::query_as(
            "select id, kind, content_type, size_bytes, metadata_removed, message_id from attachments \
             where report_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        let attachments = files
            .into_iter()
            .map(|(id, kind, content_type, size_bytes, removed, message_id)| StaffAttachment {
                id,
                kind,
                content_type,
                size_bytes,
                metadata_removed: removed == 1,
                message_index: message_id.and_then(|m| messages.iter().position(|x| x.0 == m)),
            })
            .collect::<Vec<_>>();
        let count = |m: i64| attachments_for(&attachments, &messages, m);
        let msgs = messages
            .iter()
            .map(|(mid, author, body, at)| crate::cases::CaseMessage {
                author: author.clone(),
                body: body.clone(),
                at: *at,
                files: count(*mid),
            })
            .collect();
        Ok(ReportDetail {
            row: row(r),
            unit_name,
            address,
            latitude: lat.map(|v| v as f64 / 1e6),
            longitude: lon.map(|v| v as f64 / 1e6),
            location_from_photo: from_photo == 1,
            seen_on,
            description,
            works_there: works_there.map(|w| w == 1),
            attachments,
            messages: msgs,
        })
    }

    fn attachments_for(a: &[StaffAttachment], messages: &[(i64, String, String, i64)], mid: i64) -> u32 {
        let idx = messages.iter().position(|x| x.0 == mid);
        a.iter().filter(|f| f.message_index.is_some() && f.message_index == idx).count() as u32
    }

    pub async fn message(db: &Db, user_id: i64, id: i64, body: &str) -> Result<(), AppError> {
        let mut errs = Vec::new();
        crate::base::validate::check_text(&mut errs, "body", body, 1, crate::cases::MESSAGE_MAX);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let ts = now();
        let mut tx = db.begin().await?;
        sqlx::query(
            "insert into report_messages (report_id, author, staff_user_id, body, created_at) values ($1, 'staff', $2, $3, $4)",
        )
        .bind(id)
        .bind(user_id)
        .bind(body.trim())
        .bind(ts)
        .execute(&mut *tx)
        .await?;
        sqlx::query("update reports set updated_at = $2 where id = $1").bind(id).bind(ts).execute(&mut *tx).await?;
        let entry = Entry { user_id: Some(user_id), action: "message", report_id: Some(id), reason: None, details: "{}".into() };
        audit::append(db, &mut tx, entry, ts).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn flag_spam(db: &Db, user_id: i64, id: i64, spam: bool) -> Result<(), AppError> {
        let ts = now();
        let mut tx = db.begin().await?;
        let done = sqlx::query("update reports set spam = $2, updated_at = $3 where id = $1")
            .bind(id)
            .bind(i64::from(spam))
            .bind(ts)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        let entry = Entry { user_id: Some(user_id), action: "spam", report_id: Some(id), reason: None, details: format!("{{\"spam\":{spam}}}") };
        audit::append(db, &mut tx, entry, ts).await?;
        tx.commit().await?;
        Ok(())
    }
}

// ---- pages ---------------------------------------------------------------------------------------------

#[component]
pub fn StaffReportPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    // Actions live here so the report is fetched again after each one.
    let send = ServerAction::<StaffMessage>::new();
    let spam = ServerAction::<StaffFlagSpam>::new();
    let act = ServerAction::<super::api::CaseAction>::new();
    // Reload after a successful case operation only: after a refused one the forms keep what was
    // typed (with JavaScript; without it the page reloads with the error anyway).
    let act_done = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(_))) {
            act_done.update(|n| *n += 1);
        }
    });
    let report = crate::ui::json_resource(
        move || (number(), send.version().get(), spam.version().get(), act_done.get()),
        |(n, _, _, _)| staff_report(n),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <StaffReportView report=r send spam /> }.into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
        // A sibling, not a child, of the report's Suspense: a resource created inside another
        // resource's Suspend is created again (and its first fetch orphaned) when that re-renders.
        <section class="page">
            <super::pages::CaseWorkPanel case_number=number() act act_done />
        </section>
    }
}

#[component]
fn StaffReportView(
    report: ReportDetail,
    send: ServerAction<StaffMessage>,
    spam: ServerAction<StaffFlagSpam>,
) -> impl IntoView {
    let i18n = use_i18n();
    let send_err = Signal::derive(move || send.value().get().and_then(|r| r.err()));
    let r = report.row.clone();
    let rt = r.report_type.clone();
    let st = r.status.clone();
    let number = r.case_number.clone();
    let number2 = r.case_number.clone();
    let spam_now = r.spam;
    let yes_no = move |b: bool| if b { t_string!(i18n, form_yes) } else { t_string!(i18n, form_no) };
    view! {
        <section class="page">
            <h1>{t!(i18n, case_title)} " " <span class="code">{r.case_number.clone()}</span></h1>
            <dl class="facts">
                <dt>{t!(i18n, form_type)}</dt>
                <dd>{move || crate::cases::labels::report_type_label(i18n.get_locale(), &rt)}</dd>
                <dt>{t!(i18n, case_status)}</dt>
                <dd>{move || crate::cases::labels::status_label(i18n.get_locale(), &st)}</dd>
                <dt>{t!(i18n, form_sector)}</dt>
                <dd>{r.sector.clone()}</dd>
                <dt>{t!(i18n, form_town)}</dt>
                <dd>{r.town.clone()}</dd>
                <dt>{t!(i18n, form_unit)}</dt>
                <dd>{report.unit_name.clone()}</dd>
                <dt>{t!(i18n, form_address)}</dt>
                <dd id="report-address">{report.address.clone()}</dd>
                <dt>{t!(i18n, staff_coordinates)}</dt>
                <dd id="report-coordinates">
                    {report.latitude.zip(report.longitude).map(|(a, o)| format!("{a:.5}, {o:.5}"))}
                    {report.location_from_photo.then(|| view! { " · " {t!(i18n, staff_from_photo)} })}
                </dd>
                <dt>{t!(i18n, form_seen_on)}</dt>
                <dd>{report.seen_on.clone()}</dd>
                <dt>{t!(i18n, staff_identity)}</dt>
                <dd>
                    {move || {
                        if r.anonymous {
                            t_string!(i18n, form_anonymous).to_string()
                        } else {
                            t_string!(i18n, staff_identity_sealed).to_string()
                        }
                    }}
                </dd>
                <dt>{t!(i18n, form_works_there)}</dt>
                <dd>{move || report.works_there.map(yes_no)}</dd>
            </dl>
            <h2>{t!(i18n, form_description)}</h2>
            <div class="reply" id="report-description">{report.description.clone()}</div>
            <h2>{t!(i18n, staff_attachments)}</h2>
            <ul id="attachments">
                {report
                    .attachments
                    .iter()
                    .map(|a| {
                        let href = format!("/staff/attachments/{}", a.id);
                        let removed = a.metadata_removed;
                        view! {
                            <li>
                                <a href=href download>{format!("#{} {} ({} B)", a.id, a.content_type, a.size_bytes)}</a>
                                " · "
                                {move || {
                                    if removed {
                                        t_string!(i18n, staff_metadata_removed).to_string()
                                    } else {
                                        t_string!(i18n, staff_metadata_kept).to_string()
                                    }
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h2>{t!(i18n, case_messages)}</h2>
            <crate::cases::views::MessageList messages=report.messages.clone() staff_view=true />
            <ActionForm action=send attr:class="stack-form">
                <FormError error=send_err />
                <input type="hidden" name="case_number" value=number />
                <label for="staff-body">{t!(i18n, staff_message_label)}</label>
                <textarea id="staff-body" name="body" rows="3" required maxlength="2000"></textarea>
                <FieldErrors error=send_err field="body" />
                <button type="submit">{t!(i18n, case_message_send)}</button>
            </ActionForm>
            <ActionForm action=spam attr:class="inline-form">
                <input type="hidden" name="case_number" value=number2 />
                <input type="hidden" name="spam" value=if spam_now { "no" } else { "yes" } />
                <button type="submit" class="secondary">
                    {move || {
                        if spam_now {
                            t_string!(i18n, staff_unflag_spam).to_string()
                        } else {
                            t_string!(i18n, staff_flag_spam).to_string()
                        }
                    }}
                </button>
            </ActionForm>
        </section>
    }
}

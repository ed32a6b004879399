//! Login, the account page (TOTP enrolment), the staff workbench and the admin's account list.
//! Every form posts to a server function, so it works without JavaScript; the public login page's
//! is a `PostForm` (no form decoder in its WebAssembly, D46), the staff pages' `ActionForm`s.
use super::api::{
    get_current_user, list_departments, list_users, staff_home, totp_begin, CreateUser, Login, TotpConfirm,
};
use super::{CurrentUser, Role};
use crate::base::errors::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError, FormFields, PostForm};
use leptos::prelude::*;

fn read_login(f: &FormFields) -> Option<Login> {
    Some(Login { username: f.text("username")?, password: f.text("password")?, totp_code: f.text("totp_code") })
}

pub fn role_label(locale: Locale, role: Role) -> String {
    let s = match role {
        Role::Admin => td_string!(locale, role_admin),
        Role::IntakeOfficer => td_string!(locale, role_intake_officer),
        Role::DepartmentHandler => td_string!(locale, role_department_handler),
        Role::RewardOfficer => td_string!(locale, role_reward_officer),
        Role::TrainingAdmin => td_string!(locale, role_training_admin),
        Role::EnterpriseManager => td_string!(locale, role_enterprise_manager),
        Role::Employee => td_string!(locale, role_employee),
    };
    s.to_string()
}

/// Form errors from a server action's last result.
fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = action_error(login.value());
    // Only the WebAssembly app runs effects, so the show-password toggle exists only once the
    // page has hydrated (without JavaScript the field is a plain password field).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let show = RwSignal::new(false);
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, login_title)}</h1>
            <p>{t!(i18n, login_lead)}</p>
            <PostForm action=login read=read_login attr:class="stack-form">
                <FormError error />
                <label for="username">{t!(i18n, login_username)}</label>
                <input id="username" name="username" type="text" autocomplete="username" required maxlength="64" />
                <label for="password">{t!(i18n, login_password)}</label>
                <div class="password-row">
                    <input
                        id="password"
                        name="password"
                        type=move || if show.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        required
                        maxlength="256"
                    />
                    <Show when=move || hydrated.get()>
                        <button
                            type="button"
                            class="secondary"
                            aria-pressed=move || show.get().to_string()
                            aria-controls="password"
                            on:click=move |_| show.update(|s| *s = !*s)
                        >
                            {t!(i18n, login_show_password)}
                        </button>
                    </Show>
                </div>
                <label for="totp_code">{t!(i18n, login_totp)}</label>
                <input
                    id="totp_code"
                    name="totp_code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="6"
                    aria-describedby="totp-hint"
                />
                <p id="totp-hint" class="hint">{t!(i18n, login_totp_hint)}</p>
                <button type="submit">{t!(i18n, login_submit)}</button>
            </PostForm>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = crate::ui::json_resource(|| (), |_| get_current_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => {
                        super::show_in_header(Some(&u));
                        view! { <AccountView user=u /> }.into_any()
                    }
                    Ok(None) => {
                        super::show_in_header(None);
                        view! { <ErrorPage error=AppError::Unauthorized /> }.into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let role = user.role;
    view! {
        <section class="page narrow">
            <h1>{t!(i18n, account_title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, account_username)}</dt>
                <dd>{user.username.clone()}</dd>
                <dt>{t!(i18n, account_name)}</dt>
                <dd>{user.display_name.clone()}</dd>
                <dt>{t!(i18n, account_role)}</dt>
                <dd>{move || role_label(i18n.get_locale(), role)}</dd>
            </dl>
            {(role == crate::accounts::Role::EnterpriseManager)
                .then(|| view! { <p><a id="training-link" href="/training/enterprise">{t!(i18n, account_training_link)}</a></p> })}
            {(role == crate::accounts::Role::Employee)
                .then(|| view! {
                    <p><a id="my-training-link" href="/training/me">{t!(i18n, account_my_training_link)}</a></p>
                    <p><a id="classroom-link" href="/training/courses">{t!(i18n, cl_classroom_link)}</a></p>
                })}
            <h2>{t!(i18n, account_totp_title)}</h2>
            {if user.totp_enabled {
                view! { <p class="ok">{t!(i18n, account_totp_enabled)}</p> }.into_any()
            } else {
                view! {
                    {user
                        .totp_enrollment_required
                        .then(|| view! { <p class="warning" role="alert">{t!(i18n, err_totp_enrollment_required)}</p> })}
                    <TotpEnrol />
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn TotpEnrol() -> impl IntoView {
    let i18n = use_i18n();
    let enrollment = crate::ui::json_resource(|| (), |_| totp_begin());
    let confirm = ServerAction::<TotpConfirm>::new();
    let error = action_error(confirm.value());
    view! {
        <p>{t!(i18n, account_totp_intro)}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match enrollment.await {
                    Ok(e) => view! {
                        <figure class="qr">
                            <div class="qr-code" inner_html=e.qr_svg></div>
                            <figcaption>
                                {t!(i18n, account_totp_secret)} " "
                                <code data-testid="totp-secret">{e.secret_base32}</code>
                            </figcaption>
                        </figure>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <ActionForm action=confirm attr:class="stack-form">
            <FormError error />
            <label for="code">{t!(i18n, account_totp_code)}</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required />
            <FieldErrors error field="code" />
            <label for="totp-password">{t!(i18n, login_password)}</label>
            <input id="totp-password" name="password" type="password" autocomplete="current-password" required />
            <FieldErrors error field="password" />
            <button type="submit">{t!(i18n, account_totp_confirm)}</button>
        </ActionForm>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = crate::ui::json_resource(|| (), |_| staff_home());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(u) => {
                        super::show_in_header(Some(&u));
                        let role = u.role;
                        view! {
                            <section class="page">
                                <h1>{t!(i18n, staff_title)}</h1>
                                <p data-testid="staff-greeting">
                                    {t!(i18n, staff_welcome)} " " {u.display_name.clone()} " · "
                                    {move || role_label(i18n.get_locale(), role)}
                                </p>
                                <ul class="link-list">
                                    <li><a href="/account">{t!(i18n, account_title)}</a></li>
                                    {(role == Role::Admin)
                                        .then(|| view! { <li><a href="/admin/users">{t!(i18n, admin_users_title)}</a></li> })}
                                    {role
                                        .allows(super::Permission::ReadReports)
                                        .then(|| view! {
                                            <li><a href="/staff/reports">{t!(i18n, staff_reports_title)}</a></li>
                                            <li><a href="/staff/dashboard">{t!(i18n, wf_dashboard)}</a></li>
                                        })}
                                    {role
                                        .allows(super::Permission::ManageWorkflowRules)
                                        .then(|| view! {
                                            <li><a href="/admin/routing">{t!(i18n, wf_routing_title)}</a></li>
                                            <li><a href="/admin/organisation">{t!(i18n, org_title)}</a></li>
                                            <li><a href="/admin/calendar">{t!(i18n, wf_calendar_title)}</a></li>
                                        })}
                                    {role
                                        .allows(super::Permission::ManageQuestions)
                                        .then(|| view! { <li><a href="/staff/questions">{t!(i18n, qb_title)}</a></li> })}
                                    {role
                                        .allows(super::Permission::ManageContests)
                                        .then(|| view! { <li><a href="/staff/contests">{t!(i18n, qc_admin_title)}</a></li> })}
                                    {role
                                        .allows(super::Permission::TrainingOverview)
                                        .then(|| view! {
                                            <li><a href="/staff/training" id="district-link">{t!(i18n, tr_district_title)}</a></li>
                                            <li><a href="/staff/training/courses" id="courses-link">{t!(i18n, cl_manage_link)}</a></li>
                                        })}
                                    {role
                                        .allows(super::Permission::ManageInfoOfficers)
                                        .then(|| view! { <li><a href="/staff/training/officers" id="officers-link">{t!(i18n, io_link)}</a></li> })}
                                    {role
                                        .allows(super::Permission::ManageEnterpriseAccounts)
                                        .then(|| view! { <li><a href="/staff/training/enterprises" id="enterprises-link">{t!(i18n, te_link)}</a></li> })}
                                    {role
                                        .allows(super::Permission::ReadAuditLog)
                                        .then(|| view! { <li><a href="/admin/audit">{t!(i18n, wf_audit_title)}</a></li> })}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        if matches!(e, AppError::Unauthorized) {
                            super::show_in_header(None);
                        }
                        view! { <ErrorPage error=e /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateUser>::new();
    let users = crate::ui::json_resource(move || create.version().get(), |_| list_users());
    let departments = crate::ui::json_resource(|| (), |_| list_departments());
    let error = action_error(create.value());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = match users.await {
                    Ok(list) => list,
                    Err(e) => return view! { <ErrorPage error=e /> }.into_any(),
                };
                let depts = departments.await.unwrap_or_default();
                view! {
                    <section class="page">
                        <h1>{t!(i18n, admin_users_title)}</h1>
                        <div class="table-wrap">
                            <table>
                                <caption class="visually-hidden">{t!(i18n, admin_users_title)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, account_username)}</th>
                                        <th scope="col">{t!(i18n, account_name)}</th>
                                        <th scope="col">{t!(i18n, account_role)}</th>
                                        <th scope="col">{t!(i18n, admin_scope)}</th>
                                        <th scope="col">"TOTP"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|u| {
                                            let role = u.role;
                                            view! {
                                                <tr>
                                                    <td>{u.username}</td>
                                                    <td>{u.display_name}</td>
                                                    <td>{move || role_label(i18n.get_locale(), role)}</td>
                                                    <td>{u.scope.unwrap_or_default()}</td>
                                                    <td>{if u.totp_enabled { "✓" } else { "—" }}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h2>{t!(i18n, admin_create_title)}</h2>
                        <ActionForm action=create attr:class="stack-form">
                            <FormError error />
                            <label for="new-username">{t!(i18n, account_username)}</label>
                            <input id="new-username" name="username" type="text" required maxlength="64" />
                            <FieldErrors error field="username" />
                            <label for="new-display-name">{t!(i18n, account_name)}</label>
                            <input id="new-display-name" name="display_name" type="text" required maxlength="64" />
                            <FieldErrors error field="display_name" />
                            <label for="new-role">{t!(i18n, account_role)}</label>
                            <select id="new-role" name="role">
                                {Role::ALL
                                    .into_iter()
                                    .map(|r| view! { <option value=r.as_str()>{move || role_label(i18n.get_locale(), r)}</option> })
                                    .collect_view()}
                            </select>
                            <FieldErrors error field="role" />
                            <label for="new-department">{t!(i18n, admin_department)}</label>
                            <select id="new-department" name="department_id">
                                <option value="">{t!(i18n, admin_none)}</option>
                                {depts
                                    .into_iter()
                                    .map(|d| {
                                        let (zh, en) = (d.name_zh.clone(), d.name_en.clone());
                                        view! {
                                            <option value=d.id.to_string()>
                                                {move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <FieldErrors error field="department_id" />
                            <label for="new-enterprise">{t!(i18n, admin_enterprise_id)}</label>
                            <input id="new-enterprise" name="enterprise_id" type="text" inputmode="numeric" />
                            <FieldErrors error field="enterprise_id" />
                            <label for="new-password">{t!(i18n, login_password)}</label>
                            <input id="new-password" name="password" type="password" autocomplete="new-password" required />
                            <FieldErrors error field="password" />
                            <button type="submit">{t!(i18n, admin_create_submit)}</button>
                        </ActionForm>
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

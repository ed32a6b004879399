//! The training administrator's pages of disaster information officers (灾害信息员): the three-level
//! coverage with the officers and the year's trainings (`/staff/training/officers?year=`), one
//! officer (`/staff/training/officers/:id`) and a training's attendance sheet
//! (`/staff/training/officers/trainings/:id`). Plain forms: they work without JavaScript.
use super::district_page::Share;
use super::officer_api::{info_officer, info_officers, officer_training, SaveInfoOfficer, SaveOfficerAttendance, SaveOfficerTraining};
use super::officers::{Level, Officer, Unit, UnitState};
use super::sheet::{AttendanceTicks, SheetTick};
use super::{CONTACT_MAX, MATERIAL_MAX, NAME_MAX, TITLE_MAX, TRAINER_MAX};
use crate::i18n::*;
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

type ErrSignal = Signal<Option<crate::base::errors::AppError>>;

pub fn level_label(locale: Locale, level: Level) -> String {
    match level {
        Level::District => td_string!(locale, io_level_district),
        Level::Town => td_string!(locale, io_level_town),
        Level::Village => td_string!(locale, io_level_village),
    }
    .to_string()
}

fn state_label(locale: Locale, state: UnitState) -> String {
    match state {
        UnitState::NoOfficer => td_string!(locale, io_state_no_officer),
        UnitState::Untrained => td_string!(locale, io_state_untrained),
        UnitState::Covered => td_string!(locale, io_state_covered),
    }
    .to_string()
}

/// A unit's name in the reader's language: the district, a town/street, or "town · village".
pub fn unit_label(locale: Locale, u: &Unit) -> String {
    let en = locale == Locale::en;
    let pick = |zh: &str, en_name: &str| if en { en_name.to_string() } else { zh.to_string() };
    match u.level {
        Level::District => td_string!(locale, io_district).to_string(),
        Level::Town => pick(&u.name, &u.name_en),
        Level::Village => format!("{} · {}", pick(&u.parent, &u.parent_en), pick(&u.name, &u.name_en)),
    }
}

/// The officer form's fields; `officer` fills them for a change.
#[component]
fn OfficerFields(err: ErrSignal, units: Vec<Unit>, officer: Option<Officer>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let chosen = officer.as_ref().map(|o| o.unit.key.clone()).unwrap_or_default();
    let (name, contact, appointed) = officer.as_ref().map(|o| (o.name.clone(), o.contact.clone(), o.appointed_on.clone())).unwrap_or_default();
    let group = |level: Level| {
        let chosen = chosen.clone();
        let options = units
            .iter()
            .filter(|u| u.level == level)
            .map(|u| {
                let selected = u.key == chosen;
                view! { <option value=u.key.clone() selected=selected>{unit_label(locale, u)}</option> }
            })
            .collect_view();
        view! { <optgroup label=level_label(locale, level)>{options}</optgroup> }
    };
    view! {
        {officer.as_ref().map(|o| view! { <input type="hidden" name="id" value=o.id.to_string() /> })}
        <label for="officer-name">{t!(i18n, tr_name)}</label>
        <input id="officer-name" name="name" type="text" required maxlength=NAME_MAX.to_string() value=name />
        <FieldErrors error=err field="name" />
        <label for="officer-unit">{t!(i18n, io_unit)}</label>
        <select id="officer-unit" name="unit" required>
            <option value="">{t!(i18n, io_unit_choose)}</option>
            {group(Level::District)}
            {group(Level::Town)}
            {group(Level::Village)}
        </select>
        <FieldErrors error=err field="unit" />
        <label for="officer-contact">{t!(i18n, tr_contact)}</label>
        <input id="officer-contact" name="contact" type="text" maxlength=CONTACT_MAX.to_string() value=contact />
        <FieldErrors error=err field="contact" />
        <label for="officer-appointed">{t!(i18n, io_appointed_on)}</label>
        <input id="officer-appointed" name="appointed_on" type="date" required value=appointed />
        <FieldErrors error=err field="appointed_on" />
    }
}

/// `/staff/training/officers?year=`: the year's coverage (by level, by town/street, the units
/// missing and who needs the training), the officers, the year's trainings and the forms to add
/// either.
#[component]
pub fn OfficersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let add = ServerAction::<SaveInfoOfficer>::new();
    let train = ServerAction::<SaveOfficerTraining>::new();
    let year = move || query.with(|q| q.get("year").and_then(|s| s.parse::<i64>().ok()));
    let data = crate::ui::json_resource(move || (year(), add.version().get()), |(year, _)| info_officers(year));
    let add_err = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let train_err = Signal::derive(move || train.value().get().and_then(|r| r.err()));
    let added = move || query.with(|q| q.get("added").is_some()) || add.value().with(|v| matches!(v, Some(Ok(()))));
    let saved = move || query.with(|q| q.get("saved").is_some());
    let officer_form = NodeRef::<leptos::html::Form>::new();
    crate::ui::reset_form_after(move || matches!(add.value().get(), Some(Ok(_))), officer_form);
    view! {
        <section class="page wide">
            <h1>{t!(i18n, io_title)}</h1>
            <p><a href="/staff/training">{t!(i18n, tr_district_title)}</a></p>
            {move || added().then(|| view! { <p id="officer-added" class="notice" role="status">{t!(i18n, io_added)}</p> })}
            {move || saved().then(|| view! { <p id="officer-saved" class="notice" role="status">{t!(i18n, io_saved)}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(d) => {
                            let c = d.coverage;
                            let (prev, next) = (format!("?year={}", c.year - 1), format!("?year={}", c.year + 1));
                            let units = d.units.clone();
                            view! {
                                <h2>{t!(i18n, io_coverage)} " " {c.year}</h2>
                                <nav class="tabs" aria-label=move || t_string!(i18n, tr_year)>
                                    <a href=prev>{c.year - 1}</a> " " <a href=next>{c.year + 1}</a>
                                </nav>
                                <p id="coverage-full" class="big-figure" data-full=c.full.to_string()>
                                    <strong>{if c.full { t!(i18n, io_full).into_any() } else { t!(i18n, io_not_full).into_any() }}</strong>
                                </p>
                                <div class="table-wrap">
                                    <table class="data bars" id="coverage-levels">
                                        <caption>{t!(i18n, io_by_level)}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, io_level)}</th>
                                                <th scope="col">{t!(i18n, io_units)}</th>
                                                <th scope="col">{t!(i18n, io_staffed)}</th>
                                                <th scope="col">{t!(i18n, io_covered)}</th>
                                                <th scope="col">{t!(i18n, io_share)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {c.levels
                                                .iter()
                                                .map(|l| view! {
                                                    <tr data-level=l.level.as_str()>
                                                        <th scope="row">{level_label(locale, l.level)}</th>
                                                        <td>{l.units}</td>
                                                        <td>{l.staffed}</td>
                                                        <td class="covered">{l.covered}</td>
                                                        <td class="share"><Share percent=l.percent /></td>
                                                    </tr>
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <div class="table-wrap">
                                    <table class="data bars" id="coverage-towns">
                                        <caption>{t!(i18n, io_by_town)}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_town)}</th>
                                                <th scope="col">{t!(i18n, io_town_state)}</th>
                                                <th scope="col">{t!(i18n, io_villages)}</th>
                                                <th scope="col">{t!(i18n, io_covered)}</th>
                                                <th scope="col">{t!(i18n, io_share)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {c.towns
                                                .iter()
                                                .map(|t| view! {
                                                    <tr data-unit=t.unit.key.clone()>
                                                        <th scope="row">{unit_label(locale, &t.unit)}</th>
                                                        <td>{state_label(locale, t.state)}</td>
                                                        <td>{t.villages}</td>
                                                        <td>{t.villages_covered}</td>
                                                        <td class="share"><Share percent=t.percent /></td>
                                                    </tr>
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h3>{t!(i18n, io_missing)}</h3>
                                {c.missing.is_empty().then(|| view! { <p id="coverage-missing-none">{t!(i18n, io_missing_none)}</p> })}
                                <ul id="coverage-missing">
                                    {c.missing
                                        .iter()
                                        .map(|m| {
                                            let who = (!m.untrained.is_empty()).then(|| format!(" — {}: {}", t_string!(i18n, io_to_train), m.untrained.join("、")));
                                            view! {
                                                <li data-unit=m.unit.key.clone() data-state=format!("{:?}", m.state)>
                                                    {level_label(locale, m.unit.level)} " · " <strong>{unit_label(locale, &m.unit)}</strong>
                                                    " · " {state_label(locale, m.state)} {who}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <p class="hint">{t!(i18n, io_coverage_hint)}</p>
                                <h2>{t!(i18n, io_officers)}</h2>
                                {d.officers.is_empty().then(|| view! { <p id="officers-none">{t!(i18n, io_officers_none)}</p> })}
                                <div class="table-wrap">
                                    <table id="officers">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_name)}</th>
                                                <th scope="col">{t!(i18n, io_level)}</th>
                                                <th scope="col">{t!(i18n, io_unit)}</th>
                                                <th scope="col">{t!(i18n, tr_contact)}</th>
                                                <th scope="col">{t!(i18n, io_appointed_on)}</th>
                                                <th scope="col">{t!(i18n, io_last_trained)}</th>
                                                <th scope="col">{t!(i18n, tr_state)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.officers
                                                .iter()
                                                .map(|o| {
                                                    let state = if !o.active {
                                                        t_string!(i18n, io_retired).to_string()
                                                    } else if o.trained_this_year {
                                                        t_string!(i18n, io_trained_year).to_string()
                                                    } else {
                                                        t_string!(i18n, io_untrained_year).to_string()
                                                    };
                                                    view! {
                                                        <tr data-officer=o.id.to_string()>
                                                            <td><a href=format!("/staff/training/officers/{}", o.id)>{o.name.clone()}</a></td>
                                                            <td>{level_label(locale, o.unit.level)}</td>
                                                            <td>{unit_label(locale, &o.unit)}</td>
                                                            <td>{o.contact.clone()}</td>
                                                            <td>{o.appointed_on.clone()}</td>
                                                            <td>{o.last_trained.clone().unwrap_or_else(|| "—".into())}</td>
                                                            <td class="officer-state">{state}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <h2>{t!(i18n, io_officer_new)}</h2>
                                <ActionForm action=add node_ref=officer_form attr:id="officer-form" attr:class="stacked">
                                    <OfficerFields err=add_err units=units officer=None />
                                    <FormError error=add_err />
                                    <button type="submit">{t!(i18n, io_officer_save)}</button>
                                </ActionForm>
                                <h2>{t!(i18n, io_trainings)} " " {c.year}</h2>
                                {d.trainings.is_empty().then(|| view! { <p id="officer-trainings-none">{t!(i18n, io_trainings_none)}</p> })}
                                <div class="table-wrap">
                                    <table id="officer-trainings">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, tr_held_on)}</th>
                                                <th scope="col">{t!(i18n, tr_session_title)}</th>
                                                <th scope="col">{t!(i18n, tr_hours)}</th>
                                                <th scope="col">{t!(i18n, tr_trainer)}</th>
                                                <th scope="col">{t!(i18n, tr_attendees)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {d.trainings
                                                .iter()
                                                .map(|t| view! {
                                                    <tr>
                                                        <td>{t.held_on.clone()}</td>
                                                        <td><a href=format!("/staff/training/officers/trainings/{}", t.id)>{t.title.clone()}</a></td>
                                                        <td>{t.hours.clone()}</td>
                                                        <td>{t.trainer.clone()}</td>
                                                        <td>{t.attendees}</td>
                                                    </tr>
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{t!(i18n, io_training_new)}</h2>
            <ActionForm action=train attr:id="officer-training-form" attr:class="stacked">
                <label for="otraining-title">{t!(i18n, tr_session_title)}</label>
                <input id="otraining-title" name="title" type="text" required maxlength=TITLE_MAX.to_string() />
                <FieldErrors error=train_err field="title" />
                <label for="otraining-hours">{t!(i18n, tr_hours)}</label>
                <input id="otraining-hours" name="hours" type="text" inputmode="decimal" required />
                <FieldErrors error=train_err field="hours" />
                <label for="otraining-held">{t!(i18n, tr_held_on)}</label>
                <input id="otraining-held" name="held_on" type="date" required />
                <FieldErrors error=train_err field="held_on" />
                <label for="otraining-trainer">{t!(i18n, tr_trainer)}</label>
                <input id="otraining-trainer" name="trainer" type="text" required maxlength=TRAINER_MAX.to_string() />
                <FieldErrors error=train_err field="trainer" />
                <label for="otraining-material">{t!(i18n, tr_material)}</label>
                <textarea id="otraining-material" name="material" rows="2" maxlength=MATERIAL_MAX.to_string()></textarea>
                <FieldErrors error=train_err field="material" />
                <FormError error=train_err />
                <button type="submit">{t!(i18n, io_training_save)}</button>
            </ActionForm>
        </section>
    }
}

/// `/staff/training/officers/:id`: one officer, the form to change or retire them, and the
/// trainings they attended.
#[component]
pub fn OfficerPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let save = ServerAction::<SaveInfoOfficer>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = crate::ui::json_resource(move || (id(), save.version().get()), |(id, _)| info_officer(id));
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, io_title)}</h1>
            <p><a href="/staff/training/officers">{t!(i18n, io_back)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match data.await {
                        Ok(d) => {
                            let o = d.officer.clone();
                            let active = o.active;
                            view! {
                                <h2 id="officer-name-title">{o.name.clone()}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, io_level)}</dt><dd>{level_label(locale, o.unit.level)}</dd>
                                    <dt>{t!(i18n, io_unit)}</dt><dd id="officer-unit-name">{unit_label(locale, &o.unit)}</dd>
                                    <dt>{t!(i18n, io_appointed_on)}</dt><dd>{o.appointed_on.clone()}</dd>
                                    <dt>{t!(i18n, io_last_trained)}</dt><dd>{o.last_trained.clone().unwrap_or_else(|| "—".into())}</dd>
                                </dl>
                                <h3>{t!(i18n, io_officer_edit)}</h3>
                                <ActionForm action=save attr:id="officer-edit-form" attr:class="stacked">
                                    <OfficerFields err=err units=d.units.clone() officer=Some(o) />
                                    <label class="check" for="officer-active">
                                        <input type="checkbox" id="officer-active" name="active" value="1" checked=active />
                                        {t!(i18n, io_serving)}
                                    </label>
                                    <FormError error=err />
                                    <button type="submit">{t!(i18n, io_officer_save)}</button>
                                </ActionForm>
                                <h3>{t!(i18n, io_attended)}</h3>
                                {d.trainings.is_empty().then(|| view! { <p>{t!(i18n, io_attended_none)}</p> })}
                                <ul id="officer-attended">
                                    {d.trainings
                                        .iter()
                                        .map(|t| view! {
                                            <li>
                                                {t.held_on.clone()} " · "
                                                <a href=format!("/staff/training/officers/trainings/{}", t.id)>{t.title.clone()}</a>
                                                " · " {t.hours.clone()} " " {t!(i18n, io_hours_unit)}
                                            </li>
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/staff/training/officers/trainings/:id`: a training of officers and who attended it.
#[component]
pub fn OfficerTrainingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveOfficerAttendance>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let sheet = crate::ui::json_resource(move || (id(), save.version().get()), |(id, _)| officer_training(id));
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let saved = move || query.with(|q| q.get("saved").is_some()) || save.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, io_title)}</h1>
            <p><a href="/staff/training/officers">{t!(i18n, io_back)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match sheet.await {
                        Ok(sh) => {
                            let t = sh.training.clone();
                            let (id1, id2) = (t.id.to_string(), t.id.to_string());
                            view! {
                                <h2 id="otraining-name">{t.title.clone()}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, tr_held_on)}</dt><dd>{t.held_on.clone()}</dd>
                                    <dt>{t!(i18n, tr_hours)}</dt><dd>{t.hours.clone()}</dd>
                                    <dt>{t!(i18n, tr_trainer)}</dt><dd>{t.trainer.clone()}</dd>
                                    {(!t.material.is_empty()).then(|| view! { <dt>{t!(i18n, tr_material)}</dt><dd>{t.material.clone()}</dd> })}
                                    <dt>{t!(i18n, tr_attendees)}</dt><dd id="otraining-count">{t.attendees}</dd>
                                </dl>
                                {move || saved().then(|| view! { <p id="otraining-saved" class="notice" role="status">{t!(i18n, tr_attendance_saved)}</p> })}
                                {(!sh.open).then(|| view! { <p id="otraining-ahead" class="hint">{t!(i18n, tr_session_ahead)}</p> })}
                                <h3>{t!(i18n, tr_attendance)}</h3>
                                {sh.lines.is_empty().then(|| view! { <p>{t!(i18n, io_officers_none)}</p> })}
                                <ActionForm action=save attr:id="officer-attendance-form">
                                    <input type="hidden" name="training" value=id1 />
                                    <AttendanceTicks prefix="oatt" ticks=sh.lines.iter().map(|l| SheetTick { id: l.officer_id, label: format!("{} · {}", l.name, unit_label(locale, &l.unit)), attended: l.attended }).collect()>
                                        {t!(i18n, io_attendance_hint)}
                                    </AttendanceTicks>
                                    <FieldErrors error=err field="op" />
                                    <FormError error=err />
                                    <button type="submit">{t!(i18n, tr_attendance_save)}</button>
                                </ActionForm>
                                <ActionForm action=save attr:id="officer-attendance-all">
                                    <input type="hidden" name="training" value=id2 />
                                    <input type="hidden" name="everyone" value="1" />
                                    <button type="submit" class="secondary">{t!(i18n, tr_attendance_all)}</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

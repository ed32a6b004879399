//! The training administrator's question bank page (`/staff/questions`): search and filters, a
//! form to add a question, each question's form to save its next version, and a question's
//! edit history. Every form works without JavaScript.
use super::api::{question_bank, question_history, SaveQuestion};
use super::{kind_label, BankFilter, Kind, Question};
use crate::base::format::fmt_date;
use crate::i18n::*;
use crate::org::{choice_name, Choice};
use crate::ui::{ErrorPage, FieldErrors, FormError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn difficulty_label(locale: Locale, d: i64) -> &'static str {
    match d {
        1 => td_string!(locale, qb_difficulty_1),
        2 => td_string!(locale, qb_difficulty_2),
        _ => td_string!(locale, qb_difficulty_3),
    }
}

/// The add form (no question) or a question's edit form.
#[component]
fn QuestionForm(action: ServerAction<SaveQuestion>, #[prop(optional)] question: Option<Question>, sectors: Vec<Choice>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let is_new = question.is_none();
    let q = question.unwrap_or(Question {
        id: 0,
        version: 0,
        kind: Kind::Single,
        stem: String::new(),
        options: Vec::new(),
        answer: String::new(),
        explanation: String::new(),
        tags: Vec::new(),
        difficulty: 2,
        source: String::new(),
        active: true,
        updated_at: 0,
        updated_by: String::new(),
    });
    let p = if is_new { "q-new".to_string() } else { format!("q-{}", q.id) };
    let id = |f: &str| format!("{p}-{f}");
    let (kind_id, stem_id, opt_id, ans_id, exp_id, dif_id, src_id, act_id) =
        (id("kind"), id("stem"), id("options"), id("answer"), id("explanation"), id("difficulty"), id("source"), id("active"));
    let (kind_for, stem_for, opt_for, ans_for, exp_for, dif_for, src_for, act_for) =
        (id("kind"), id("stem"), id("options"), id("answer"), id("explanation"), id("difficulty"), id("source"), id("active"));
    let data_id = q.id.to_string();
    let hidden_id = (!is_new).then(|| q.id.to_string());
    let options = q.options.join("\n");
    let tags = q.tags.clone();
    view! {
        <ActionForm action=action attr:class="question-form" attr:data-id=data_id>
            {hidden_id.map(|v| view! { <input type="hidden" name="id" value=v /> })}
            <label for=kind_for>{t!(i18n, qb_kind)}</label>
            <select id=kind_id name="kind">
                {Kind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.as_str() selected=k == q.kind>{kind_label(locale, k)}</option> })
                    .collect_view()}
            </select>
            <label for=stem_for>{t!(i18n, qb_stem)}</label>
            <textarea id=stem_id name="stem" rows="2" required maxlength="500">{q.stem.clone()}</textarea>
            <label for=opt_for>{t!(i18n, qb_options)}</label>
            <textarea id=opt_id name="options" rows="4">{options}</textarea>
            <p class="hint">{t!(i18n, qb_options_hint)}</p>
            <label for=ans_for>{t!(i18n, qb_answer)}</label>
            <input id=ans_id name="answer" type="text" required maxlength="1000" value=q.answer.clone() />
            <p class="hint">{t!(i18n, qb_answer_hint)}</p>
            <label for=exp_for>{t!(i18n, qb_explanation)}</label>
            <textarea id=exp_id name="explanation" rows="2" maxlength="1000">{q.explanation.clone()}</textarea>
            <fieldset class="checks">
                <legend>{t!(i18n, qb_tags)}</legend>
                {sectors
                    .iter()
                    .map(|s| {
                        let box_id = format!("{p}-tag-{}", s.code);
                        let box_for = box_id.clone();
                        view! {
                            <label class="check" for=box_for>
                                <input
                                    type="checkbox"
                                    id=box_id
                                    name=format!("tags[{}]", s.code)
                                    value=s.code.clone()
                                    checked=tags.contains(&s.code)
                                />
                                {choice_name(locale, s)}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label for=dif_for>{t!(i18n, qb_difficulty)}</label>
            <select id=dif_id name="difficulty">
                {[1, 2, 3]
                    .map(|d| view! { <option value=d.to_string() selected=d == q.difficulty>{difficulty_label(locale, d)}</option> })
                    .collect_view()}
            </select>
            <label for=src_for>{t!(i18n, qb_source)}</label>
            <input id=src_id name="source" type="text" maxlength="200" value=q.source.clone() />
            <label class="check" for=act_for>
                <input id=act_id type="checkbox" name="active" value="1" checked=q.active />
                {t!(i18n, qb_active)}
            </label>
            <button type="submit">{if is_new { t_string!(i18n, qb_add) } else { t_string!(i18n, qb_save) }}</button>
        </ActionForm>
    }
}

/// The edit history of the question named by `?history=ID`.
#[component]
fn History(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let versions = crate::ui::json_resource(move || id, question_history);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match versions.await {
                    Ok(vs) => view! {
                        <section id="question-history">
                            <h2>{t!(i18n, qb_history)} " #" {id}</h2>
                            <table class="data">
                                <thead><tr>
                                    <th>{t!(i18n, qb_version)}</th>
                                    <th>{t!(i18n, qb_stem)}</th>
                                    <th>{t!(i18n, qb_answer)}</th>
                                    <th>{t!(i18n, qb_edited_by)}</th>
                                </tr></thead>
                                <tbody>
                                    {vs.into_iter()
                                        .map(|v| view! {
                                            <tr>
                                                <td>{v.version}</td>
                                                <td>{v.stem}</td>
                                                <td>{v.answer}</td>
                                                <td>{v.edited_by} " · " {fmt_date(v.at)}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn QuestionBankPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let save = ServerAction::<SaveQuestion>::new();
    let filter = move || {
        query.with(|q| BankFilter {
            q: q.get("q").unwrap_or_default(),
            kind: q.get("kind").unwrap_or_default(),
            tag: q.get("tag").unwrap_or_default(),
            difficulty: q.get("difficulty").unwrap_or_default(),
            id: q.get("id").unwrap_or_default(),
        })
    };
    let history = move || query.with(|q| q.get("history").and_then(|h| h.parse::<i64>().ok()));
    let bank = crate::ui::json_resource(move || (filter(), save.version().get()), |(f, _)| question_bank(f));
    let err = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    view! {
        <section class="page wide">
            <h1>{t!(i18n, qb_title)}</h1>
            <p class="hint">{t!(i18n, qb_hint)}</p>
            <p>
                <a id="bank-import" href="/staff/questions/import">{t!(i18n, qi_title)}</a>
                " · "
                <a id="bank-feedback" href="/staff/questions/feedback">{t!(i18n, qf_review_title)}</a>
            </p>
            {move || history().map(|id| view! { <History id /> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let locale = i18n.get_locale_untracked();
                    match bank.await {
                        Ok(b) => {
                            let f = filter();
                            let wanted_id = f.id.trim().to_string();
                            view! {
                                <form method="get" action="/staff/questions" class="filter-form" id="bank-filter">
                                    <label for="bank-q">{t!(i18n, qb_search)}</label>
                                    <input id="bank-q" name="q" type="search" value=f.q.clone() />
                                    <label for="bank-kind">{t!(i18n, qb_kind)}</label>
                                    <select id="bank-kind" name="kind">
                                        <option value="">{t!(i18n, qb_all)}</option>
                                        {Kind::ALL
                                            .into_iter()
                                            .map(|k| view! { <option value=k.as_str() selected=f.kind == k.as_str()>{kind_label(locale, k)}</option> })
                                            .collect_view()}
                                    </select>
                                    <label for="bank-tag">{t!(i18n, qb_tags)}</label>
                                    <select id="bank-tag" name="tag">
                                        <option value="">{t!(i18n, qb_all)}</option>
                                        {b.sectors
                                            .iter()
                                            .map(|s| view! { <option value=s.code.clone() selected=f.tag == s.code>{choice_name(locale, s)}</option> })
                                            .collect_view()}
                                    </select>
                                    <label for="bank-difficulty">{t!(i18n, qb_difficulty)}</label>
                                    <select id="bank-difficulty" name="difficulty">
                                        <option value="">{t!(i18n, qb_all)}</option>
                                        {[1, 2, 3]
                                            .map(|d| view! { <option value=d.to_string() selected=f.difficulty == d.to_string()>{difficulty_label(locale, d)}</option> })
                                            .collect_view()}
                                    </select>
                                    <button type="submit">{t!(i18n, qb_filter)}</button>
                                </form>
                                <div id="bank-errors">
                                    <FormError error=err />
                                    {["op", "kind", "stem", "options", "answer", "explanation", "tags", "difficulty", "source"]
                                        .map(|field| view! { <FieldErrors error=err field /> })
                                        .collect_view()}
                                </div>
                                <section class="question-new">
                                    <h2>{t!(i18n, qb_add)}</h2>
                                    <QuestionForm action=save sectors=b.sectors.clone() />
                                </section>
                                <p id="bank-total">{t!(i18n, qb_total)} " " {b.total}</p>
                                <ol class="question-list" id="question-list">
                                    {b.questions
                                        .into_iter()
                                        .map(|q| {
                                            let tags: Vec<String> = q
                                                .tags
                                                .iter()
                                                .map(|t| b.sectors.iter().find(|s| &s.code == t).map(|s| choice_name(locale, s)).unwrap_or_else(|| t.clone()))
                                                .collect();
                                            let summary = format!(
                                                "{} · {} · {} · v{}",
                                                kind_label(locale, q.kind),
                                                difficulty_label(locale, q.difficulty),
                                                tags.join("、"),
                                                q.version
                                            );
                                            let history_href = format!("/staff/questions?history={}", q.id);
                                            let inactive = !q.active;
                                            let data_id = q.id.to_string();
                                            let open = wanted_id == data_id;
                                            view! {
                                                <li class="question" data-id=data_id>
                                                    <details open=open>
                                                        <summary>
                                                            <span class="stem">{q.stem.clone()}</span>
                                                            " "
                                                            <span class="hint">{summary}</span>
                                                            {inactive.then(|| view! { " " <span class="badge">{t!(i18n, qb_inactive)}</span> })}
                                                        </summary>
                                                        <p class="hint">
                                                            {t!(i18n, qb_edited_by)} " " {q.updated_by.clone()} " · " {fmt_date(q.updated_at)} " · "
                                                            <a href=history_href>{t!(i18n, qb_history)}</a>
                                                        </p>
                                                        <QuestionForm action=save question=q sectors=b.sectors.clone() />
                                                    </details>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
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

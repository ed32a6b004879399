//! Moodle XML (server only): reading `<quiz><question type="…">` files into questions, and
//! writing the bank in the same format (readable by Moodle and by this import).
use super::*;
use crate::quiz::Question;

/// Text of Moodle's HTML: tags dropped, the common entities decoded, spaces collapsed.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct MoodleQuestion {
    qtype: String,
    text: String,
    feedback: String,
    single: bool,
    answers: Vec<(f64, String)>,
    category: String,
}

/// Moodle XML (`<quiz><question type="multichoice">…`): multiple choice (one right answer →
/// single choice), true/false and short answer (→ fill-in). A category whose last part names a
/// sector tags the questions after it. Other types are reported by their number.
pub fn read_moodle(bytes: &[u8], sectors: &[Choice], default_tag: &str) -> Result<Vec<Result<ReadQuestion, Vec<LineError>>>, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|_| "invalid_encoding".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut questions: Vec<MoodleQuestion> = Vec::new();
    let mut current: Option<MoodleQuestion> = None;
    let mut path: Vec<String> = Vec::new();
    let mut fraction = 0.0f64;
    let mut category = String::new();
    let mut saw_quiz = false;
    loop {
        match reader.read_event() {
            Err(_) => return Err("bad_file".into()),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "quiz" {
                    saw_quiz = true;
                }
                if name == "question" {
                    let qtype = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"type")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                        .unwrap_or_default();
                    current = Some(MoodleQuestion { qtype, category: category.clone(), ..Default::default() });
                }
                if name == "answer" {
                    fraction = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"fraction")
                        .and_then(|a| String::from_utf8_lossy(&a.value).parse::<f64>().ok())
                        .unwrap_or(0.0);
                    if let Some(q) = current.as_mut() {
                        q.answers.push((fraction, String::new()));
                    }
                }
                path.push(name);
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                path.pop();
                if name == "question" {
                    if let Some(q) = current.take() {
                        if q.qtype == "category" {
                            category = q.category;
                        } else {
                            questions.push(q);
                        }
                    }
                    if questions.len() > ROWS_MAX {
                        return Err("too_many_rows".into());
                    }
                }
            }
            Ok(Event::Text(t)) => {
                let value = t.xml_content().map(|c| c.into_owned()).map_err(|_| "invalid_encoding".to_string())?;
                absorb(&mut current, &path, &value);
            }
            Ok(Event::GeneralRef(r)) => {
                // `&amp;`, `&#39;` …: resolved as XML does; an unknown entity is a broken file.
                let name = r.decode().map_err(|_| "invalid_encoding".to_string())?;
                let value = quick_xml::escape::unescape(&format!("&{name};")).map_err(|_| "bad_file".to_string())?.into_owned();
                absorb(&mut current, &path, &value);
            }
            Ok(Event::CData(t)) => {
                let value = String::from_utf8_lossy(&t).into_owned();
                absorb(&mut current, &path, &value);
            }
            Ok(_) => {}
        }
    }
    let _ = fraction;
    if !saw_quiz {
        return Err("bad_file".into());
    }
    Ok(questions.into_iter().enumerate().map(|(i, q)| moodle_question(i + 1, q, sectors, default_tag)).collect())
}

fn absorb(current: &mut Option<MoodleQuestion>, path: &[String], value: &str) {
    let Some(q) = current.as_mut() else { return };
    let tail: Vec<&str> = path.iter().rev().take(2).map(String::as_str).collect();
    match tail.as_slice() {
        ["text", "questiontext"] => q.text.push_str(value),
        ["text", "generalfeedback"] => q.feedback.push_str(value),
        ["text", "answer"] => {
            if let Some(a) = q.answers.last_mut() {
                a.1.push_str(value);
            }
        }
        ["text", "category"] => q.category = value.to_string(),
        ["single", _] => q.single = value.trim() == "true" || value.trim() == "1",
        _ => {}
    }
}

fn moodle_question(number: usize, q: MoodleQuestion, sectors: &[Choice], default_tag: &str) -> Result<ReadQuestion, Vec<LineError>> {
    let err = |field: &str, code: &str| vec![LineError { line: number, field: field.into(), code: code.into() }];
    let stem = plain(&q.text);
    for s in std::iter::once(&stem).chain(q.answers.iter().map(|a| &a.1)) {
        if let Some(code) = dangerous_cell(s) {
            return Err(err("stem", code));
        }
    }
    let right: Vec<usize> = q.answers.iter().enumerate().filter(|(_, a)| a.0 > 0.0).map(|(i, _)| i).collect();
    let (kind, options, answer) = match q.qtype.as_str() {
        "multichoice" => {
            let options: Vec<String> = q.answers.iter().map(|a| plain(&a.1)).collect();
            let letters: String = right.iter().map(|i| crate::quiz::letter(*i)).collect();
            let kind = if q.single || right.len() == 1 { Kind::Single } else { Kind::Multiple };
            (kind, options.join("\n"), letters)
        }
        "truefalse" => {
            let answer = q.answers.iter().find(|a| a.0 >= 100.0).map(|a| plain(&a.1).to_lowercase()).unwrap_or_default();
            (Kind::TrueFalse, String::new(), answer)
        }
        "shortanswer" => {
            let accepted: Vec<String> = q.answers.iter().filter(|a| a.0 >= 100.0).map(|a| plain(&a.1)).collect();
            (Kind::Fill, String::new(), accepted.join("|"))
        }
        _ => return Err(err("kind", "type_not_supported")),
    };
    let last = q.category.rsplit('/').next().unwrap_or("").trim().to_string();
    let mut tags = parse_tags(&last, sectors);
    tags.retain(|t| sectors.iter().any(|s| s.code == *t));
    if tags.is_empty() && !default_tag.trim().is_empty() {
        tags.push(default_tag.trim().to_string());
    }
    Ok(ReadQuestion {
        line: number,
        id: None,
        draft: QuestionDraft {
            kind: kind.as_str().into(),
            stem,
            options,
            answer,
            explanation: plain(&q.feedback),
            tags,
            difficulty: "2".into(),
            source: "Moodle".into(),
            active: true,
        },
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The bank as Moodle XML (one category per first sector), readable by Moodle and by this import.
pub fn moodle_bytes(questions: &[Question]) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category = String::new();
    for q in questions {
        let tag = q.tags.first().cloned().unwrap_or_default();
        if tag != category {
            category = tag.clone();
            out.push_str(&format!(
                "  <question type=\"category\"><category><text>$course$/top/{}</text></category></question>\n",
                xml_escape(&tag)
            ));
        }
        let text = |t: &str| format!("<text>{}</text>", xml_escape(t));
        let (qtype, body) = match q.kind {
            Kind::Single | Kind::Multiple => {
                let right = q.answer.chars().count().max(1) as f64;
                let answers: String = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let ok = q.answer.contains(crate::quiz::letter(i));
                        let fraction = if !ok { 0.0 } else if q.kind == Kind::Single { 100.0 } else { 100.0 / right };
                        format!("    <answer fraction=\"{}\" format=\"html\">{}</answer>\n", trim_fraction(fraction), text(o))
                    })
                    .collect();
                let single = if q.kind == Kind::Single { "true" } else { "false" };
                ("multichoice", format!("    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n{answers}"))
            }
            Kind::TrueFalse => {
                let (t, f) = if q.answer == "true" { (100, 0) } else { (0, 100) };
                ("truefalse", format!("    <answer fraction=\"{t}\">{}</answer>\n    <answer fraction=\"{f}\">{}</answer>\n", text("true"), text("false")))
            }
            Kind::Fill => (
                "shortanswer",
                q.answer.split('|').map(|a| format!("    <answer fraction=\"100\">{}</answer>\n", text(a))).collect(),
            ),
        };
        out.push_str(&format!(
            "  <question type=\"{qtype}\">\n    <name>{}</name>\n    <questiontext format=\"html\">{}</questiontext>\n    <generalfeedback format=\"html\">{}</generalfeedback>\n{body}  </question>\n",
            text(&format!("#{}", q.id)),
            text(&q.stem),
            text(&q.explanation)
        ));
    }
    out.push_str("</quiz>\n");
    out.into_bytes()
}

fn trim_fraction(f: f64) -> String {
    let s = format!("{f:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

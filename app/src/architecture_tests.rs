//! The layering of `app/src`, checked by reading the sources (docs/architecture.md has the
//! picture). Every import must point down: an area may use the layers below it, never one above
//! and never a peer (reports, workflow, rewards, quiz and training share pieces by moving them
//! down). Within an area, no two files may import each other.
//!
//! `KNOWN_UPWARD` lists the edges that still run the wrong way while issue 13 is in progress; the
//! test fails on any edge not in it, and also on a listed edge that no longer occurs (so the list
//! can only shrink).
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layers from the bottom. Areas on the same rank are peers and may not import each other.
const LAYERS: &[(&str, u8)] = &[
    ("base", 0),
    ("i18n", 0),
    ("state", 1),
    ("ui", 1),
    ("accounts", 2),
    ("org", 3),
    ("cases", 4),
    // Shared by the reporter's side (the claim) and the staff side (decision, approval,
    // payment): below both (decision D20).
    ("rewards", 5),
    // Issued by training now and by the quiz later: below both.
    ("certificates", 5),
    // Every kind of training that counts as hours: credited by training and by the quiz.
    ("credits", 5),
    ("reports", 6),
    ("workflow", 6),
    ("quiz", 6),
    ("training", 6),
    // The shell: pages that compose areas, the route tables, the app, the crate root.
    ("home", 7),
    ("layout", 7),
    ("portal", 7),
    ("public_routes", 8),
    ("staff_routes", 8),
    ("app", 9),
    ("lib", 10),
];

/// Edges that still point the wrong way (from, to). Empty since stop 20; kept so that a
/// temporary exception has to be written down here, with its reason.
const KNOWN_UPWARD: &[(&str, &str)] = &[];

fn rank(area: &str) -> Option<u8> {
    LAYERS.iter().find(|(a, _)| *a == area).map(|(_, r)| *r)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments (line comments; doc comments included), string literals kept.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let t = l.trim_start();
            if t.starts_with("//") {
                (i + 1, String::new())
            } else {
                (i + 1, l.to_string())
            }
        })
        .collect()
}

/// Names after `prefix::` on a line, including `prefix::{a, b::c}` groups.
fn names_after(line: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find(prefix) {
        // Only a path start: not `xcrate::` or `a::crate::`.
        let before = rest[..i].chars().last();
        let after = &rest[i + prefix.len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

struct Source {
    /// "reports", "base", "app" (a top-level file is its own area).
    area: String,
    /// File stem inside its area ("ssr", "mod"); the area name for a top-level file.
    file: String,
    rel: String,
    text: String,
}

fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
    for p in files {
        let rel = p.strip_prefix(&root).expect("under src").to_string_lossy().replace('\\', "/");
        if rel == "architecture_tests.rs" {
            continue;
        }
        let parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
        let (area, file) = match parts.as_slice() {
            [top] => (top.to_string(), top.to_string()),
            [area, file, ..] => (area.to_string(), file.to_string()),
            [] => continue,
        };
        let text = std::fs::read_to_string(&p).expect("read source");
        out.push(Source { area, file, rel, text });
    }
    out
}

#[test]
fn every_import_points_down_and_no_two_files_import_each_other() {
    let sources = read_sources();
    assert!(sources.len() > 20, "found the sources ({} files)", sources.len());
    let areas: BTreeSet<&str> = sources.iter().map(|s| s.area.as_str()).collect();
    for a in &areas {
        assert!(rank(a).is_some(), "app/src/{a}: a new area or top-level file must be placed in LAYERS");
    }

    let mut bad = Vec::new();
    let mut seen_known = BTreeSet::new();
    // (area, file) -> sibling files it names.
    let mut file_edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for s in &sources {
        let siblings: BTreeSet<&str> =
            sources.iter().filter(|o| o.area == s.area && o.file != "mod").map(|o| o.file.as_str()).collect();
        for (n, line) in code_lines(&s.text) {
            for target in names_after(&line, "crate::") {
                // The own area (file edges are below) and generated modules (i18n) aside.
                if target == s.area || !areas.contains(target.as_str()) {
                    continue;
                }
                let (from, to) = (rank(&s.area).unwrap_or(0), rank(&target).unwrap_or(0));
                if to < from {
                    continue;
                }
                if KNOWN_UPWARD.contains(&(s.area.as_str(), target.as_str())) {
                    seen_known.insert((s.area.clone(), target.clone()));
                    continue;
                }
                bad.push(format!("app/src/{}:{n}: {} (layer {from}) imports {target} (layer {to})", s.rel, s.area));
            }
            // Files of one area naming each other: `super::x` from a sibling, `crate::area::x`.
            let mut named = names_after(&line, "super::");
            let own = format!("crate::{}::", s.area);
            named.extend(names_after(&line, &own));
            for f in named {
                if siblings.contains(f.as_str()) && f != s.file && s.file != "mod" {
                    file_edges.entry((s.area.clone(), s.file.clone())).or_default().insert(f);
                }
            }
        }
    }
    for ((area, file), targets) in &file_edges {
        for t in targets {
            let back = file_edges.get(&(area.clone(), t.clone())).is_some_and(|b| b.contains(file));
            if back && file < t {
                bad.push(format!("app/src/{area}: {file}.rs and {t}.rs import each other"));
            }
        }
    }
    for (from, to) in KNOWN_UPWARD {
        if !seen_known.contains(&(from.to_string(), to.to_string())) {
            bad.push(format!("KNOWN_UPWARD lists {from} -> {to}, which no longer occurs: remove it from the list"));
        }
    }
    assert!(bad.is_empty(), "imports against the layering (docs/architecture.md):\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_imports_groups_and_ignores_comments() {
    assert_eq!(names_after("use crate::reports::rules;", "crate::"), vec!["reports"]);
    assert_eq!(names_after("use crate::{public_routes, staff_routes};", "crate::"), vec!["public_routes", "staff_routes"]);
    assert_eq!(names_after("x = crate::base::format::fmt_yuan(1) + crate::ui::a()", "crate::"), vec!["base", "ui"]);
    assert!(names_after("use leptos::crate::x;", "crate::").is_empty());
    assert_eq!(code_lines("// crate::reports\nlet a = 1;")[0].1, "");
    // A peer import is caught: rank of a feature area equals its peer's.
    assert_eq!(rank("reports"), rank("workflow"));
    assert!(rank("base") < rank("accounts"));
}

//! `PostForm`: a form that posts to a server function, like Leptos's `ActionForm`, without a form
//! decoder in the browser (D46). Without JavaScript it is the browser's own post, decoded by the
//! server as before. In the WebAssembly app the page reads the submitted fields into the server
//! function's arguments with a small function of its own and dispatches them on its action, where
//! `ActionForm` ran serde_qs's generic decoder: that decoder (with its maps and base64) was a
//! 22.5 KB brotli chunk on every page that had an `ActionForm`.
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The text fields of a submitted form, as the browser would post them (the button that submitted
/// the form included).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value sent under `name`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// The first value sent under `name`, parsed; `None` when missing or not valid.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.0.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse().ok())
    }

    /// The values sent as `prefix[key]`, by key: the map serde_qs makes of them on the server
    /// (radio buttons and checkboxes named `picks[A]`, `picks[0]`).
    pub fn map(&self, prefix: &str) -> std::collections::HashMap<String, String> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix(prefix)?.strip_prefix('[')?.strip_suffix(']')?;
                Some((key.to_string(), v.clone()))
            })
            .collect()
    }

    /// The text fields of a form as it stands; `None` when they cannot be read.
    #[cfg(feature = "hydrate")]
    pub fn from_form(form: &web_sys::HtmlFormElement) -> Option<Self> {
        use wasm_bindgen::JsCast;
        let data = web_sys::FormData::new_with_form(form).ok()?;
        let mut pairs = Vec::new();
        for entry in js_sys::try_iter(&data).ok()?? {
            let entry = entry.ok()?.dyn_into::<js_sys::Array>().ok()?;
            // Files are not text fields; no form posted this way has one.
            if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((k, v));
            }
        }
        Some(Self(pairs))
    }

    /// The form's fields from its submit event, with the button that submitted it; `None` when
    /// they cannot be read (the browser then posts the form itself).
    #[cfg(feature = "hydrate")]
    fn from_event(ev: &web_sys::SubmitEvent) -> Option<Self> {
        use wasm_bindgen::JsCast;
        let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
        let mut fields = Self::from_form(&form)?;
        if let Some(button) = ev.submitter() {
            if let Some(name) = button.get_attribute("name").filter(|n| !n.is_empty()) {
                fields.0.push((name, button.get_attribute("value").unwrap_or_default()));
            }
        }
        Some(fields)
    }
}

/// A `<form action=… method="post">` for the server function `S`. `read` turns the submitted
/// fields into `S`'s arguments; when it returns `None` the browser posts the form itself and the
/// server answers as it does without JavaScript.
#[component]
pub fn PostForm<S>(action: ServerAction<S>, read: fn(&FormFields) -> Option<S>, children: Children) -> impl IntoView
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if !ev.default_prevented() {
            if let Some(args) = FormFields::from_event(&ev).and_then(|f| read(&f)) {
                ev.prevent_default();
                action.dispatch(args);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, action, read);
    };
    view! {
        <form action=S::url() method="post" on:submit=on_submit>
            {children()}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> FormFields {
        FormFields::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn reads_text_and_numbers_like_the_server() {
        let f = fields(&[("id", "42"), ("spaced", " 7 "), ("nickname", ""), ("nickname", "second"), ("n", "x")]);
        assert_eq!(f.text("nickname").as_deref(), Some(""));
        assert_eq!(f.text("missing"), None);
        assert_eq!(f.parse::<i64>("id"), Some(42));
        assert_eq!(f.parse::<i64>("n"), None);
        // As the server reads it: no trimming.
        assert_eq!(f.parse::<i64>("spaced"), None);
        assert_eq!(f.parse::<i64>("missing"), None);
    }

    #[test]
    fn reads_bracketed_names_as_a_map() {
        let f = fields(&[("picks[A]", "A"), ("picks[C]", "C"), ("picks", "x"), ("picksX[B]", "B"), ("token", "t")]);
        let m = f.map("picks");
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("A").map(String::as_str), Some("A"));
        assert_eq!(m.get("C").map(String::as_str), Some("C"));
        assert!(fields(&[("picks[0]", "")]).map("picks").get("0").is_some_and(|v| v.is_empty()));
        assert!(fields(&[]).map("picks").is_empty());
    }

    /// The public pages' forms, by file and (in files shared with staff pages) by page function.
    const PUBLIC_FORMS: &[(&str, Option<&str>)] = &[
        ("src/reports/pages/case.rs", None),
        ("src/reports/pages/form.rs", None),
        ("src/reports/pages/receipt.rs", None),
        ("src/quiz/contest/take.rs", None),
        ("src/quiz/contest/attempt_page.rs", None),
        ("src/quiz/daily/page.rs", None),
        ("src/quiz/feedback/pages.rs", Some("pub fn FeedbackPage()")),
        ("src/accounts/pages.rs", Some("pub fn LoginPage()")),
    ];

    /// A public page with an `ActionForm` (or a call to serde_qs's decoder) would bring the 22.5 KB
    /// form-decoder chunk back to a citizen's phone; D46.
    #[test]
    fn public_pages_post_without_a_form_decoder() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, page) in PUBLIC_FORMS {
            let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            let code = match page {
                Some(start) => {
                    let from = text.find(start).unwrap_or_else(|| panic!("{file}: no {start}"));
                    let rest = &text[from..];
                    // The page function ends where the next top-level item starts.
                    let to = rest[1..].find("\n#[").or_else(|| rest[1..].find("\npub fn")).map_or(rest.len(), |i| i + 1);
                    rest[..to].to_string()
                }
                None => text,
            };
            assert!(code.contains("<PostForm") || page.is_none(), "{file}: the page has no PostForm");
            for banned in ["<ActionForm", "FromFormData", "from_form_data"] {
                assert!(!code.contains(banned), "{file}: {banned} on a public page (use ui::PostForm, D46)");
            }
        }
    }
}

//! The report draft kept in the browser's localStorage while the form is filled in (WebAssembly
//! only). Name, phone and joint reporters are never kept.
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

const KEY: &str = "sw_report_draft";
const FIELDS: [&str; 10] = [
    "report_type", "sector", "town", "unit_name", "address", "latitude", "longitude", "seen_on", "description",
    "works_there",
];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn field(form: &HtmlFormElement, name: &str) -> Option<Element> {
    form.query_selector(&format!("[name=\"{name}\"]")).ok()?
}

fn value(el: &Element) -> Option<String> {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        Some(i.value())
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        Some(t.value())
    } else {
        el.dyn_ref::<HtmlSelectElement>().map(|s| s.value())
    }
}

fn set_value(el: &Element, v: &str) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(v);
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value(v);
    } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
        s.set_value(v);
    }
}

pub fn save(form: &HtmlFormElement) {
    let map: std::collections::BTreeMap<&str, String> =
        FIELDS.iter().filter_map(|n| Some((*n, value(&field(form, n)?)?))).collect();
    if let (Some(st), Ok(json)) = (storage(), serde_json::to_string(&map)) {
        let _ = st.set_item(KEY, &json);
    }
}

/// Fill the form from a saved draft; `true` when something was restored.
pub fn restore(form: &HtmlFormElement) -> bool {
    let Some(json) = storage().and_then(|st| st.get_item(KEY).ok().flatten()) else { return false };
    let Ok(map) = serde_json::from_slice::<std::collections::BTreeMap<String, String>>(json.as_bytes()) else { return false };
    let mut any = false;
    for name in FIELDS {
        if let (Some(v), Some(el)) = (map.get(name), field(form, name)) {
            if !v.is_empty() {
                set_value(&el, v);
                any = true;
            }
        }
    }
    any
}

pub fn clear() {
    if let Some(st) = storage() {
        let _ = st.remove_item(KEY);
    }
}

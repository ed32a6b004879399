//! The tick list of an attendance sheet, shared by an enterprise's sessions and the district's
//! trainings of disaster information officers.
use leptos::prelude::*;

/// One person on a sheet: their id (the checkbox's value), how the sheet names them, and whether
/// they attended.
pub struct SheetTick {
    pub id: i64,
    pub label: String,
    pub attended: bool,
}

/// The checkboxes of an attendance sheet, inside the page's own form: each named `attended[ID]`
/// with the id as its value (what the attendance server functions read), with the element id
/// `{prefix}-{ID}`. The children are the fieldset's legend.
#[component]
pub fn AttendanceTicks(prefix: &'static str, ticks: Vec<SheetTick>, children: Children) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{children()}</legend>
            {ticks
                .into_iter()
                .map(|t| {
                    let box_id = format!("{prefix}-{}", t.id);
                    let box_for = box_id.clone();
                    view! {
                        <label class="check" for=box_for>
                            <input type="checkbox" id=box_id name=format!("attended[{}]", t.id) value=t.id.to_string() checked=t.attended />
                            {t.label}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

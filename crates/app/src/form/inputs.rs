//! Inputs bound to one field of a form's state.

use super::{Field, FormState};
use leptos::prelude::*;
use model::FieldId;

/// A single-line text input bound to one field of a form.
#[component]
pub fn TextField<F: Clone + Send + Sync + 'static>(
    state: FormState<F>,
    field: FieldId,
    get: fn(&F) -> String,
    set: fn(&mut F, String),
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] input_mode: &'static str,
    #[prop(optional, into)] warning: Option<Signal<Option<String>>>,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let error = state.error(field);
    let id = field.id();
    let label = Signal::derive(move || label.unwrap_or(field.label()));
    view! {
        <Field field error warning=warning.unwrap_or_else(|| Signal::derive(|| None)) help=help label>
            <input
                id=id
                name=id
                type="text"
                inputmode=input_mode
                autocomplete=autocomplete
                spellcheck="false"
                placeholder=placeholder
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=format!("{id}-error")
                value=state.form.with_untracked(get)
                prop:value=move || state.form.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.edit(field, |f| set(f, value));
                }
            />
        </Field>
    }
}

/// A multi-line text box bound to one field of a form.
#[component]
pub fn TextArea<F: Clone + Send + Sync + 'static>(
    state: FormState<F>,
    field: FieldId,
    get: fn(&F) -> String,
    set: fn(&mut F, String),
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = 4)] rows: u32,
) -> impl IntoView {
    let error = state.error(field);
    let id = field.id();
    view! {
        <Field field error help=help>
            <textarea
                id=id
                name=id
                rows=rows
                spellcheck="false"
                placeholder=placeholder
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=format!("{id}-error")
                prop:value=move || state.form.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.edit(field, |f| set(f, value));
                }
            >
                {state.form.with_untracked(|form| textarea_text(&get(form)))}
            </textarea>
        </Field>
    }
}

/// A drop-down list bound to one field of a form; `choices` pairs each value with its label.
#[component]
pub fn SelectField<F, T>(
    state: FormState<F>,
    field: FieldId,
    choices: &'static [(T, &'static str)],
    get: fn(&F) -> T,
    set: fn(&mut F, T),
    #[prop(optional)] help: Option<&'static str>,
) -> impl IntoView
where
    F: Clone + Send + Sync + 'static,
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let id = field.id();
    let error = state.error(field);
    view! {
        <Field field error help=help>
            <select
                id=id
                name=id
                on:change=move |ev| {
                    let index = event_target_value(&ev).parse::<usize>().ok();
                    if let Some((value, _)) = index.and_then(|index| choices.get(index)) {
                        state.edit(field, |f| set(f, *value));
                    }
                }
            >
                {choices
                    .iter()
                    .enumerate()
                    .map(|(index, (value, label))| {
                        let value = *value;
                        view! {
                            <option
                                value=index.to_string()
                                selected=move || state.form.with(|f| get(f) == value)
                            >
                                {*label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </Field>
    }
}

/// The initial text of a `<textarea>` as written into the server-rendered HTML. Leptos writes a
/// textarea's text child without escaping it, so a stored `</textarea>` would end the element
/// and whatever follows would run as markup: `&` and `<` are escaped here. In the browser the
/// box shows `prop:value`, so this text only matters until the page is hydrated.
pub fn textarea_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_closing_tag_cannot_end_the_textarea() {
        let text = textarea_text("X-A: </textarea><img src=x onerror=alert(1)> &lt;");

        assert_eq!(
            text,
            "X-A: &lt;/textarea>&lt;img src=x onerror=alert(1)> &amp;lt;"
        );
    }
}

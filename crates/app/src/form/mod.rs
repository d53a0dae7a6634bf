//! Building blocks shared by the console's forms: a labelled field with its messages, the
//! banner after a save, the state every settings form shares, bound inputs, and dialogs.

mod dialog;
mod inputs;
mod send;
mod state;

pub use dialog::{Dialog, ErrorResult, ResetDialog, SendButtons, reset_notice};
pub use inputs::{SelectField, TextArea, TextField, textarea_text};
pub use send::SendDialog;
pub use state::FormState;

use leptos::prelude::*;
use model::FieldId;

/// A banner above a form's buttons.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// The last action worked.
    Success(String),
    /// The last action failed.
    Failure(String),
}

/// Shows the current notice, if any.
#[component]
pub fn NoticeBanner(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    move || {
        notice.get().map(|notice| match notice {
            Notice::Success(text) => view! {
                <div class="banner success" role="status">{text}</div>
            }
            .into_any(),
            Notice::Failure(text) => view! {
                <div class="banner error" role="alert">{text}</div>
            }
            .into_any(),
        })
    }
}

/// A label, the input (as children), and beneath it the field's error, warning and help.
#[component]
pub fn Field(
    /// Which field this is; names the input's id and the label.
    field: FieldId,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Advice that does not block saving.
    #[prop(optional, into)]
    warning: Option<Signal<Option<String>>>,
    /// A short explanation under the input.
    #[prop(default = None)]
    help: Option<&'static str>,
    /// A label other than the field's usual one (e.g. "Auth token" for the gateway secret).
    #[prop(optional, into)]
    label: Option<Signal<&'static str>>,
    children: Children,
) -> impl IntoView {
    let id = field.id();
    let label = label.unwrap_or_else(|| Signal::derive(move || field.label()));
    let warning = warning.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{move || label.get()}</label>
            <div class="control">
                {children()}
                {move || {
                    error.get().map(|message| view! {
                        <p class="message error" id=format!("{id}-error") data-field=id>{message}</p>
                    })
                }}
                {move || {
                    // An error already says what to do; a warning beside it would only repeat it.
                    let shown = warning.get().filter(|_| error.with(Option::is_none));
                    shown.map(|message| view! {
                        <p class="message warning" data-field=id>{message}</p>
                    })
                }}
                {help.map(|text| view! { <p class="help">{text}</p> })}
            </div>
        </div>
    }
}

/// A time as stored (`2026-12-04T16:34:56Z`) as shown: `2026-12-04 16:34:56 UTC`.
pub fn readable_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(time) => format!("{} UTC", time.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

/// Moves the keyboard focus to the input with this id, if it is on the page.
pub fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        if let Some(input) = document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

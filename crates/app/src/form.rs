//! Building blocks shared by the console's forms: a labelled field with its messages, and a
//! modal dialog.

use leptos::prelude::*;
use model::FieldId;

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
    children: Children,
) -> impl IntoView {
    let id = field.id();
    let warning = warning.unwrap_or_else(|| Signal::derive(|| None));
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id>{field.label()}</label>
            <div class="control">
                {children()}
                {move || {
                    error.get().map(|message| view! {
                        <p class="message error" id=format!("{id}-error") data-field=id>{message}</p>
                    })
                }}
                {move || {
                    warning.get().map(|message| view! {
                        <p class="message warning" data-field=id>{message}</p>
                    })
                }}
                {help.map(|text| view! { <p class="help">{text}</p> })}
            </div>
        </div>
    }
}

/// A modal dialog shown while `open` is true; Escape and the close button close it.
#[component]
pub fn Dialog(
    /// The dialog's heading.
    title: &'static str,
    /// A short machine-readable name, used for its id.
    name: &'static str,
    /// Whether the dialog is shown.
    open: RwSignal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    let heading_id = format!("{name}-title");
    view! {
        <Show when=move || open.get()>
            <div class="backdrop">
                <div
                    class="dialog"
                    id=name
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=heading_id.clone()
                    on:keydown=move |event| {
                        if event.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <header>
                        <h2 id=heading_id.clone()>{title}</h2>
                        <button
                            type="button"
                            class="close"
                            aria-label="Close"
                            on:click=move |_| open.set(false)
                        >
                            "×"
                        </button>
                    </header>
                    {children()}
                </div>
            </div>
        </Show>
    }
}

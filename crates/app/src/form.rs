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

/// A modal dialog shown while `open` is true. It takes the keyboard focus when it opens (its
/// first field), closes with Escape or its close button, and gives the focus back to whatever
/// had it before. The page behind should be made `inert` while it is open.
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
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <DialogBody title name heading_id=heading_id.clone() open>
                {children.with_value(|children| children())}
            </DialogBody>
        </Show>
    }
}

#[component]
fn DialogBody(
    title: &'static str,
    name: &'static str,
    heading_id: String,
    open: RwSignal<bool>,
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    focus::hand_over(panel);
    // Escape closes the dialog wherever the focus is (a button that turns disabled while a
    // request runs drops the focus to the page body).
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" {
            open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    let labelled_by = heading_id.clone();
    view! {
        <div class="backdrop">
            <div
                class="dialog"
                id=name
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                node_ref=panel
            >
                <header>
                    <h2 id=heading_id>{title}</h2>
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
    }
}

/// Keyboard focus for dialogs; only the browser has a focus to move.
mod focus {
    use leptos::prelude::*;

    /// Moves the focus into `panel` once it is on the page, and back on close.
    #[cfg(feature = "hydrate")]
    pub fn hand_over(panel: NodeRef<leptos::html::Div>) {
        use send_wrapper::SendWrapper;
        use wasm_bindgen::JsCast as _;

        let previous = document()
            .active_element()
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            .map(SendWrapper::new);
        Effect::new(move |_| {
            if let Some(panel) = panel.get() {
                let first = panel
                    .query_selector("input, textarea, select")
                    .ok()
                    .flatten()
                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
                let target = first.unwrap_or_else(|| panel.clone().into());
                let _ = target.focus();
            }
        });
        on_cleanup(move || {
            if let Some(previous) = previous {
                let _ = previous.take().focus();
            }
        });
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn hand_over(_panel: NodeRef<leptos::html::Div>) {}
}

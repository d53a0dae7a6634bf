//! Modal dialogs: the frame with its focus handling, the reset confirmation, and the buttons
//! and error line of the send dialogs.

use leptos::prelude::*;

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

/// The banner after a reset: `Ok` with `removed` (or a note that nothing was saved) when the
/// settings are gone and the form should show the defaults, `Err` when the reset failed.
pub fn reset_notice(
    result: Result<bool, crate::error::ConsoleError>,
    removed: &str,
) -> Result<super::Notice, super::Notice> {
    match result {
        Ok(true) => Ok(super::Notice::Success(removed.to_owned())),
        Ok(false) => Ok(super::Notice::Success(
            "Nothing was saved; the form shows the defaults.".to_owned(),
        )),
        Err(error) => Err(super::Notice::Failure(format!("Not reset. {error}"))),
    }
}

/// Asks before removing saved settings; `reset` removes them and answers whether anything was
/// stored, and `done` gets that answer (or the error) once the dialog has closed.
#[component]
pub fn ResetDialog<R, Fut>(
    /// The dialog's heading.
    title: &'static str,
    /// Its id.
    name: &'static str,
    /// What will be lost.
    warning: &'static str,
    /// The confirming button.
    confirm: &'static str,
    /// Whether the dialog is shown.
    open: RwSignal<bool>,
    /// The server function that removes the settings.
    reset: R,
    /// Told how it went.
    done: Callback<Result<bool, crate::error::ConsoleError>>,
) -> impl IntoView
where
    R: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<bool, crate::error::ConsoleError>> + Send + 'static,
{
    let reset = Action::new(move |_: &()| reset());
    Effect::new(move |_| {
        if let Some(result) = reset.value().get() {
            open.set(false);
            done.run(result);
        }
    });
    let pending = reset.pending();
    view! {
        <Dialog title name open>
            <p>{warning}</p>
            <div class="actions">
                <button
                    type="button"
                    class="danger"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        reset.dispatch(());
                    }
                >
                    {move || if pending.get() { "Resetting…" } else { confirm }}
                </button>
                <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
        </Dialog>
    }
}

/// The buttons of a send dialog (send, close) and, while a send runs, its progress line.
#[component]
pub fn SendButtons(
    /// The send button's label.
    label: &'static str,
    /// True while the request runs.
    #[prop(into)]
    pending: Signal<bool>,
    /// True when nothing can be sent (no saved settings).
    #[prop(into)]
    unavailable: Signal<bool>,
    /// What the progress line says.
    #[prop(into)]
    progress: Signal<String>,
    /// The dialog's open state, for Close.
    open: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="actions">
            <button
                type="submit"
                class="primary"
                disabled=move || pending.get() || unavailable.get()
            >
                {move || if pending.get() { "Sending…" } else { label }}
            </button>
            <button type="button" on:click=move |_| open.set(false)>"Close"</button>
        </div>
        <Show when=move || pending.get()>
            <p class="progress" role="status">
                <span class="spinner" aria-hidden="true"></span>
                {move || progress.get()}
            </p>
        </Show>
    }
}

/// A failure that is not the peer's answer (not configured, the console's own error).
#[component]
pub fn ErrorResult(error: crate::error::ConsoleError) -> impl IntoView {
    view! {
        <div class="result failure" role="alert" data-outcome="error">
            <p class="summary">{error.to_string()}</p>
        </div>
    }
}

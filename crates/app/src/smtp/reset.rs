//! Reset: removes the stored SMTP settings after a confirmation.

use super::editor::{Editor, Notice};
use crate::api::reset_smtp_settings;
use crate::form::Dialog;
use leptos::prelude::*;

/// Asks before removing the settings, then shows the defaults again.
#[component]
pub(super) fn ResetDialog(open: RwSignal<bool>, editor: Editor) -> impl IntoView {
    let reset = Action::new(|_: &()| reset_smtp_settings());
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(removed)) => {
            editor.cleared();
            let message = if removed {
                "SMTP settings removed, including any stored password. Email notifications stay \
                 off until new settings are saved."
            } else {
                "Nothing was saved; the form shows the defaults."
            };
            editor.notice.set(Some(Notice::Success(message.to_owned())));
            open.set(false);
        }
        Some(Err(error)) => {
            editor
                .notice
                .set(Some(Notice::Failure(format!("Not reset. {error}"))));
            open.set(false);
        }
        None => {}
    });
    let pending = reset.pending();
    view! {
        <Dialog title="Reset SMTP settings" name="reset-dialog" open>
            <p>
                "This removes the saved SMTP server settings, including any stored password, "
                "and discards unsaved changes on the page. Email notifications cannot be sent "
                "until new settings are saved."
            </p>
            <div class="actions">
                <button
                    type="button"
                    class="danger"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        reset.dispatch(());
                    }
                >
                    {move || if pending.get() { "Resetting…" } else { "Reset settings" }}
                </button>
                <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
        </Dialog>
    }
}

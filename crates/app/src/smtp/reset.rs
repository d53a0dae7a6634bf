//! Reset: removes the stored SMTP settings after a confirmation.

use super::editor::Editor;
use crate::api::reset_smtp_settings;
use crate::form::{ResetDialog, reset_notice};
use leptos::prelude::*;

/// The banner once the settings are gone.
const REMOVED: &str = "SMTP settings removed, including any stored password. Email \
    notifications stay off until new settings are saved.";

/// Asks before removing the settings, then shows the defaults again.
#[component]
pub(super) fn SmtpResetDialog(open: RwSignal<bool>, editor: Editor) -> impl IntoView {
    let done = Callback::new(move |result| match reset_notice(result, REMOVED) {
        Ok(notice) => editor.cleared(notice),
        Err(notice) => editor.state.notice.set(Some(notice)),
    });
    view! {
        <ResetDialog
            title="Reset SMTP settings"
            name="reset-dialog"
            warning="This removes the saved SMTP server settings, including any stored \
                     password, and discards unsaved changes on the page. Email notifications \
                     cannot be sent until new settings are saved."
            confirm="Reset settings"
            open
            reset=reset_smtp_settings
            done
        />
    }
}

//! Reset: removes the stored SMS gateway after a confirmation.

use super::editor::Editor;
use crate::api::reset_sms_gateway;
use crate::form::{ResetDialog, reset_notice};
use leptos::prelude::*;

/// The banner once the settings are gone.
const REMOVED: &str = "SMS gateway removed, including any stored password or token. SMS \
    notifications stay off until a gateway is saved.";

/// Asks before removing the gateway, then shows the defaults again.
#[component]
pub(super) fn SmsResetDialog(open: RwSignal<bool>, editor: Editor) -> impl IntoView {
    let done = Callback::new(move |result| match reset_notice(result, REMOVED) {
        Ok(notice) => editor.cleared(notice),
        Err(notice) => editor.state.notice.set(Some(notice)),
    });
    view! {
        <ResetDialog
            title="Reset SMS gateway"
            name="sms-reset-dialog"
            warning="This removes the saved SMS gateway, including any stored password, token \
                     or API key, and discards unsaved changes on the page. SMS cannot be sent \
                     until a gateway is saved again."
            confirm="Reset gateway"
            open
            reset=reset_sms_gateway
            done
        />
    }
}

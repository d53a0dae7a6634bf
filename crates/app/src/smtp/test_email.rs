//! The Send Test Email dialog: sends through the saved settings and reports the server's final
//! reply, or a classified failure with the stage, the server's words and a hint.

use crate::api::send_test_email;
use crate::error::ConsoleError;
use crate::form::{Dialog, ErrorResult, Field, SendButtons, SendDialog};
use leptos::prelude::*;
use model::test_email::DEFAULT_MESSAGE;
use model::{Delivered, DeliveryFailure, FieldId, SettingsUsed, SmtpSettingsView, TestEmailForm};

/// The dialog; it sends with what is saved, never with unsaved edits on the page.
#[component]
pub(super) fn TestEmailDialog(
    open: RwSignal<bool>,
    stored: RwSignal<Option<SmtpSettingsView>>,
    #[prop(into)] dirty: Signal<bool>,
) -> impl IntoView {
    let dialog = SendDialog::new(
        TestEmailForm {
            recipient: String::new(),
            message: DEFAULT_MESSAGE.to_owned(),
        },
        open,
        |form: &TestEmailForm| form.validate().map(|_| ()),
        |_, _| false,
        send_test_email,
    );
    let form = dialog.form;
    let pending = dialog.send.pending();
    let outcome = dialog.send.value();

    view! {
        <Dialog title="Send Test Email" name="test-email-dialog" open>
            <form class="dialog-form" novalidate on:submit=move |event| dialog.submit(event)>
                <WillUse stored dirty/>
                <Field field=FieldId::Recipient error=dialog.error(FieldId::Recipient)>
                    <input
                        id="recipient"
                        name="recipient"
                        type="email"
                        autocomplete="email"
                        placeholder="noc@example.net"
                        prop:value=move || form.with(|f| f.recipient.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            dialog.edit(FieldId::Recipient, |f| f.recipient = value);
                        }
                    />
                </Field>
                <Field field=FieldId::Message error=dialog.error(FieldId::Message)>
                    <textarea
                        id="message"
                        name="message"
                        rows="4"
                        prop:value=move || form.with(|f| f.message.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            dialog.edit(FieldId::Message, |f| f.message = value);
                        }
                    >
                        {DEFAULT_MESSAGE}
                    </textarea>
                </Field>
                <SendButtons
                    label="Send Email"
                    pending
                    unavailable=Signal::derive(move || stored.with(Option::is_none))
                    progress=Signal::derive(move || progress_text(stored))
                    open
                />
                <Show when=move || !pending.get()>
                    {move || outcome.get().map(|result| match result {
                        Ok(delivered) => view! { <DeliveredReport delivered/> }.into_any(),
                        Err(ConsoleError::Delivery(failure)) => {
                            view! { <FailureReport failure=*failure/> }.into_any()
                        }
                        Err(ConsoleError::Invalid(_)) => ().into_any(),
                        Err(other) => view! { <ErrorResult error=other/> }.into_any(),
                    })}
                </Show>
            </form>
        </Dialog>
    }
    .into_any()
}

fn progress_text(stored: RwSignal<Option<SmtpSettingsView>>) -> String {
    stored.with(|s| match s {
        Some(view) => format!(
            "Sending through {}:{} ({}). Each step may take up to {} s.",
            view.server, view.port, view.security, view.timeout_secs
        ),
        None => "Sending…".to_owned(),
    })
}

/// What the test will use, before it is sent.
#[component]
fn WillUse(stored: RwSignal<Option<SmtpSettingsView>>, dirty: Signal<bool>) -> impl IntoView {
    view! {
        {move || stored.with(|s| match s {
            Some(view) => view! {
                <p class="will-use">
                    "Uses the saved settings: " <strong>{format!("{}:{}", view.server, view.port)}</strong>
                    {format!(", {}", view.security)}
                    {view.user_name.as_ref().map(|u| format!(", user {u}"))}
                    {format!(", from {}", view.from)}
                    "."
                </p>
            }.into_any(),
            None => view! {
                <p class="banner error">"No SMTP settings are saved yet: save them first."</p>
            }.into_any(),
        })}
        <Show when=move || dirty.get()>
            <p class="banner warning">"The page has unsaved changes; the test uses the saved settings. Save first to test your changes."</p>
        </Show>
    }
}

#[component]
fn DeliveredReport(delivered: Delivered) -> impl IntoView {
    view! {
        <div class="result success" role="status" data-outcome="delivered">
            <p class="summary">"The server accepted the message."</p>
            <p>"Final reply: " <code class="reply">{delivered.final_reply}</code></p>
            <p class="elapsed">{format!("Took {} ms.", delivered.elapsed_ms)}</p>
            <UsedSettings used=delivered.used/>
        </div>
    }
}

#[component]
fn FailureReport(failure: DeliveryFailure) -> impl IntoView {
    view! {
        <div
            class="result failure"
            role="alert"
            data-outcome="failed"
            data-kind=failure.kind.id()
        >
            <p class="summary">{failure.summary}</p>
            {failure.server_reply.map(|reply| view! {
                <p>"Server reply: " <code class="reply">{reply}</code></p>
            })}
            {failure.hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="elapsed">
                {format!("Step: {}. Stopped after {} ms.", failure.stage, failure.elapsed_ms)}
            </p>
            <UsedSettings used=failure.used/>
        </div>
    }
}

#[component]
fn UsedSettings(used: SettingsUsed) -> impl IntoView {
    let address = used
        .address
        .filter(|address| *address != used.server.trim_matches(['[', ']']))
        .map(|address| format!(" ({address})"));
    view! {
        <dl class="used">
            <dt>"Server"</dt>
            <dd>{format!("{}:{}", used.server, used.port)} {address}</dd>
            <dt>"Connection security"</dt>
            <dd>
                {used.security.label()}
                {(used.custom_ca && used.security.is_encrypted())
                    .then_some(", trusting the configured CA")}
            </dd>
            <dt>"User name"</dt>
            <dd>{used.user_name.unwrap_or_else(|| "None (no authentication)".to_owned())}</dd>
            <dt>"From"</dt>
            <dd>{used.from}</dd>
            <dt>"Timeout per step"</dt>
            <dd>{format!("{} s", used.timeout_secs)}</dd>
        </dl>
    }
}

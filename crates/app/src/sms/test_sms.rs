//! The Send Test SMS dialog: a recipient in international format, a message with a live
//! counter (characters, encoding, segments), then what the gateway answered or a classified
//! failure.

use crate::api::send_test_sms;
use crate::error::ConsoleError;
use crate::form::{Dialog, ErrorResult, Field, SendButtons, SendDialog};
use leptos::prelude::*;
use model::sms::DEFAULT_MAX_SEGMENTS;
use model::test_sms::{DEFAULT_SMS_MESSAGE, normalise_message};
use model::{FieldId, GatewaySummary, PhoneNumber, SmsFailure, SmsLength, SmsSent, TestSmsForm};

/// The dialog; it sends with the saved gateway, never with unsaved edits on the page.
#[component]
pub(crate) fn TestSmsDialog(
    open: RwSignal<bool>,
    #[prop(into)] gateway: Signal<Option<GatewaySummary>>,
    #[prop(into)] dirty: Signal<bool>,
) -> impl IntoView {
    let limit = Memo::new(move |_| {
        gateway.with(|g| g.as_ref().map_or(DEFAULT_MAX_SEGMENTS, |g| g.max_segments))
    });
    let dialog = SendDialog::new(
        TestSmsForm {
            recipient: String::new(),
            message: DEFAULT_SMS_MESSAGE.to_owned(),
        },
        open,
        move |form: &TestSmsForm| form.validate(limit.get()).map(|_| ()),
        // The number is checked as it is typed; the counter speaks for the message.
        |form, field| field != FieldId::SmsRecipient || !form.recipient.trim().is_empty(),
        send_test_sms,
    );
    let form = dialog.form;
    let pending = dialog.send.pending();
    let outcome = dialog.send.value();

    view! {
        <Dialog title="Send Test SMS" name="test-sms-dialog" open>
            <form class="dialog-form" novalidate on:submit=move |event| dialog.submit(event)>
                <WillUse gateway dirty/>
                <Field field=FieldId::SmsRecipient error=dialog.error(FieldId::SmsRecipient)
                    help=Some("+, the country code, then the number without its leading 0, e.g. +44 7700 900123.")>
                    <input
                        id="sms_recipient"
                        name="sms_recipient"
                        type="tel"
                        autocomplete="tel"
                        placeholder="+44 7700 900123"
                        prop:value=move || form.with(|f| f.recipient.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            dialog.edit(FieldId::SmsRecipient, |f| f.recipient = value);
                        }
                    />
                    <RecognisedNumber form/>
                </Field>
                <Field field=FieldId::SmsMessage error=dialog.error(FieldId::SmsMessage)>
                    <textarea
                        id="sms_message"
                        name="sms_message"
                        rows="4"
                        prop:value=move || form.with(|f| f.message.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            dialog.edit(FieldId::SmsMessage, |f| f.message = value);
                        }
                    >
                        {DEFAULT_SMS_MESSAGE}
                    </textarea>
                    <Counter form limit/>
                </Field>
                <SendButtons
                    label="Send SMS"
                    pending
                    unavailable=Signal::derive(move || gateway.with(Option::is_none))
                    progress=Signal::derive(move || progress_text(gateway))
                    open
                />
                <Show when=move || !pending.get()>
                    {move || outcome.get().map(|result| match result {
                        Ok(sent) => view! { <SentReport sent/> }.into_any(),
                        Err(ConsoleError::SmsFailed(failure)) => {
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

fn progress_text(gateway: Signal<Option<GatewaySummary>>) -> String {
    gateway.with(|g| match g {
        Some(view) => format!(
            "Sending through {} ({}). Each step may take up to {} s.",
            view.kind.label(),
            view.endpoint,
            view.timeout_secs
        ),
        None => "Sending…".to_owned(),
    })
}

/// The country the number belongs to, once it parses: a quick check that `+1` is not `+41`.
#[component]
fn RecognisedNumber(form: RwSignal<TestSmsForm>) -> impl IntoView {
    let number =
        Memo::new(move |_| form.with(|f| PhoneNumber::parse_international(&f.recipient).ok()));
    move || {
        number.get().map(|number| {
            view! {
                <p class="recognised" data-testid="sms-number">
                    {format!("{} · {}", number.e164(), number.country_name())}
                </p>
            }
        })
    }
}

/// Characters, encoding and segments as the message is typed, with the gateway's limit.
#[component]
fn Counter(form: RwSignal<TestSmsForm>, limit: Memo<u8>) -> impl IntoView {
    let length =
        Memo::new(move |_| form.with(|f| SmsLength::measure(&normalise_message(&f.message))));
    let over = move || length.with(|l| l.segments > usize::from(limit.get()));
    view! {
        <p class="counter" class:over=over data-testid="sms-counter" aria-live="polite">
            {move || length.with(SmsLength::describe)}
            {move || format!(" · limit {} SMS", limit.get())}
        </p>
        {move || length.with(SmsLength::ucs2_reason).map(|reason| view! {
            <p class="help" data-testid="sms-encoding-reason">{reason}</p>
        })}
    }
}

/// What the test will use, before it is sent.
#[component]
fn WillUse(gateway: Signal<Option<GatewaySummary>>, dirty: Signal<bool>) -> impl IntoView {
    view! {
        {move || gateway.with(|g| match g {
            Some(view) => view! {
                <p class="will-use">
                    "Uses the saved gateway: " <strong>{view.kind.label()}</strong>
                    {format!(", {}", view.endpoint)}
                    {format!(", at most {} SMS per message.", view.max_segments)}
                </p>
            }.into_any(),
            None => view! {
                <p class="banner error">
                    "No SMS gateway is saved yet: "
                    <a href="/messaging/sms">"configure one"</a>
                    " first."
                </p>
            }.into_any(),
        })}
        <Show when=move || dirty.get()>
            <p class="banner warning">"The page has unsaved changes; the test uses the saved gateway. Save first to test your changes."</p>
        </Show>
    }
}

#[component]
fn SentReport(sent: SmsSent) -> impl IntoView {
    let status = sent.status.map(|status| format!("HTTP {status}: "));
    view! {
        <div class="result success" role="status" data-outcome="sent">
            <p class="summary">
                {format!("The gateway accepted the SMS to {}.", sent.recipient)}
            </p>
            <p>"Gateway answer: " {status} <code class="reply">{sent.reply}</code></p>
            {sent.message_id.map(|id| view! { <p>"Message id: " <code>{id}</code></p> })}
            <p class="elapsed">
                {format!(
                    "{} characters, {}, {} SMS. Took {} ms.",
                    sent.length.characters,
                    sent.length.encoding.label(),
                    sent.length.segments,
                    sent.elapsed_ms
                )}
            </p>
            <dl class="used">
                <dt>"Gateway"</dt>
                <dd>{sent.gateway.label()}</dd>
                <dt>"Endpoint"</dt>
                <dd>{sent.endpoint}</dd>
            </dl>
        </div>
    }
}

#[component]
fn FailureReport(failure: SmsFailure) -> impl IntoView {
    let status = failure.status.map(|status| format!("HTTP {status}: "));
    view! {
        <div
            class="result failure"
            role="alert"
            data-outcome="failed"
            data-kind=failure.kind.id()
        >
            <p class="summary">{failure.summary}</p>
            {failure.reply.map(|reply| view! {
                <p>"Gateway answer: " {status} <code class="reply">{reply}</code></p>
            })}
            {failure.hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="elapsed">
                {format!("Stopped {} after {} ms.", failure.stage, failure.elapsed_ms)}
            </p>
            <dl class="used">
                <dt>"Gateway"</dt>
                <dd>{failure.gateway.label()}</dd>
                <dt>"Endpoint"</dt>
                <dd>{failure.endpoint}</dd>
            </dl>
        </div>
    }
}

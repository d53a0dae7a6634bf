//! The SMS gateway form: the kind chooser, the chosen kind's fields, the limits, and the
//! secret's write-only handling.

use super::kinds;
use super::reset::SmsResetDialog;
use super::test_sms::TestSmsDialog;
use crate::api::{SavedSms, save_sms_gateway};
use crate::form::{Field, FormState, Notice, NoticeBanner, TextArea, TextField, readable_time};
use leptos::prelude::*;
use model::sms::{GatewayKind, SmsGatewayForm};
use model::{FieldId, SmsGatewayView};

/// The form's state and what is stored; `Copy` because every part is a signal.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub state: FormState<SmsGatewayForm>,
    pub stored: RwSignal<Option<SmsGatewayView>>,
}

impl Editor {
    fn new(stored: Option<SmsGatewayView>) -> Editor {
        let initial = stored.as_ref().map(|s| s.to_form()).unwrap_or_default();
        let stored = RwSignal::new(stored);
        let state = FormState::new(initial, move |form: &SmsGatewayForm| {
            let context = stored.with(|s| s.as_ref().map(|view| view.stored()));
            form.validate(context.as_ref()).map(|_| ())
        });
        Editor { state, stored }
    }

    /// The chosen kind, as a signal of its own so only a change of kind redraws the fields.
    pub fn kind(self) -> Memo<GatewayKind> {
        Memo::new(move |_| self.state.form.with(|f| f.kind))
    }

    fn dirty(self) -> Signal<bool> {
        Signal::derive(move || {
            let saved = self
                .stored
                .with(|s| s.as_ref().map(|v| v.to_form()).unwrap_or_default());
            // Fields of kinds not chosen are not saved: compare what would be.
            self.state
                .form
                .with(|f| f.kind != saved.kind || !same_for_kind(f, &saved))
        })
    }

    fn apply_saved(self, saved: SavedSms) {
        let message = saved.secret.saved_message("secret");
        self.state
            .settle(saved.view.to_form(), Some(Notice::Success(message)));
        self.stored.set(Some(saved.view));
    }

    /// After a reset: defaults on screen, nothing stored.
    pub fn cleared(self, notice: Notice) {
        self.stored.set(None);
        self.state.settle(SmsGatewayForm::default(), Some(notice));
    }
}

fn same_for_kind(form: &SmsGatewayForm, saved: &SmsGatewayForm) -> bool {
    let kind_fields_equal = match form.kind {
        GatewayKind::Kannel => form.kannel == saved.kannel,
        GatewayKind::Http => form.http == saved.http,
        GatewayKind::Twilio => form.twilio == saved.twilio,
        GatewayKind::EmailToSms => form.email_to_sms == saved.email_to_sms,
    };
    kind_fields_equal
        && form.secret.is_empty()
        && form.max_segments == saved.max_segments
        && form.timeout_secs == saved.timeout_secs
        && form.ca_certificate == saved.ca_certificate
}

/// The form, filled with the stored gateway (or the defaults).
#[component]
pub(super) fn SmsEditor(stored: Option<SmsGatewayView>) -> impl IntoView {
    let editor = Editor::new(stored);
    let save = Action::new(move |form: &SmsGatewayForm| {
        let form = form.clone();
        async move { save_sms_gateway(form).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => editor.apply_saved(saved),
        Some(Err(error)) => editor.state.refused(error),
        None => {}
    });
    let saving = save.pending();
    let test_open = RwSignal::new(false);
    let reset_open = RwSignal::new(false);
    let dirty = editor.dirty();
    let kind = editor.kind();
    let https = Memo::new(move |_| editor.state.form.with(uses_https));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = editor.state.check_all() {
            save.dispatch(form);
        }
    };

    view! {
        <form
            class="settings"
            novalidate
            on:submit=submit
            inert=move || test_open.get() || reset_open.get()
        >
            <fieldset>
                <legend>"Gateway"</legend>
                <KindChoice editor/>
            </fieldset>
            {move || match kind.get() {
                GatewayKind::Kannel => view! { <kinds::KannelFields editor/> }.into_any(),
                GatewayKind::Http => view! { <kinds::HttpFields editor/> }.into_any(),
                GatewayKind::Twilio => view! { <kinds::TwilioFields editor/> }.into_any(),
                GatewayKind::EmailToSms => view! { <kinds::EmailToSmsFields/> }.into_any(),
            }}
            {move || (kind.get() == GatewayKind::EmailToSms).then(|| view! {
                <fieldset>
                    <legend>"Address"</legend>
                    <TextField state=editor.state field=FieldId::AddressTemplate
                        get=|f| f.email_to_sms.address.clone()
                        set=|f, v| f.email_to_sms.address = v
                        placeholder="{number_digits}@sms.example.net"
                        help="{number} writes +447700900123, {number_digits} writes 447700900123."/>
                </fieldset>
            })}
            <fieldset>
                <legend>"Limits"</legend>
                <TextField state=editor.state field=FieldId::MaxSegments
                    get=|f| f.max_segments.clone() set=|f, v| f.max_segments = v
                    input_mode="numeric"
                    help="Most SMS segments one message may use (1 to 10): 160 GSM-7 characters per SMS, 153 per segment once split; 70 / 67 for UCS-2. Longer messages are refused, not cut."/>
                <TextField state=editor.state field=FieldId::GatewayTimeout
                    get=|f| f.timeout_secs.clone() set=|f, v| f.timeout_secs = v
                    input_mode="numeric"
                    help="Seconds allowed for each step of a request (connect, TLS, reply): 30 by default."/>
            </fieldset>
            <Show when=move || https.get()>
                <fieldset>
                    <legend>"Trust"</legend>
                    <TextArea state=editor.state field=FieldId::CaCertificate
                        get=|f| f.ca_certificate.clone() set=|f, v| f.ca_certificate = v
                        placeholder="-----BEGIN CERTIFICATE-----"
                        help="Optional. For a gateway whose certificate comes from a private CA: paste that CA's certificate (PEM). Certificates are always verified."/>
                </fieldset>
            </Show>
            <NoticeBanner notice=editor.state.notice/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" on:click=move |_| test_open.set(true)>"Send Test SMS"</button>
                <button type="button" class="danger" on:click=move |_| reset_open.set(true)>"Reset"</button>
                <span class="saved-at">
                    {move || editor.stored.with(|s| match s {
                        Some(view) => format!(
                            "{} gateway, last saved {}",
                            view.gateway.kind().label(),
                            readable_time(&view.updated_at)
                        ),
                        None => "Not configured: nothing is saved.".to_owned(),
                    })}
                    {move || dirty.get().then_some(" · Unsaved changes")}
                </span>
            </div>
        </form>
        <TestSmsDialog
            open=test_open
            gateway=Signal::derive(move || editor.stored.with(|s| s.as_ref().map(|v| v.summary())))
            dirty
        />
        <SmsResetDialog open=reset_open editor/>
    }
    .into_any()
}

/// True when the chosen kind's URL is https, so a trusted CA applies.
fn uses_https(form: &SmsGatewayForm) -> bool {
    let url = match form.kind {
        GatewayKind::Kannel => &form.kannel.url,
        GatewayKind::Http => &form.http.url,
        GatewayKind::Twilio => &form.twilio.api_base,
        GatewayKind::EmailToSms => return false,
    };
    url.trim().to_ascii_lowercase().starts_with("https://")
}

/// The four kinds as radio buttons with a line each on when to choose it.
#[component]
fn KindChoice(editor: Editor) -> impl IntoView {
    let error = editor.state.error(FieldId::GatewayKind);
    view! {
        <Field field=FieldId::GatewayKind error>
            <div class="choices" role="radiogroup" id="sms_kind">
                {GatewayKind::ALL
                    .into_iter()
                    .map(|kind| {
                        let id = format!("sms_kind_{}", kind.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="choice" for=label_for>
                                <input
                                    type="radio"
                                    name="sms_kind"
                                    id=id
                                    value=kind.as_str()
                                    prop:checked=move || editor.state.form.with(|f| f.kind == kind)
                                    on:change=move |_| {
                                        editor.state.edit(FieldId::GatewayKind, |f| f.kind = kind);
                                    }
                                />
                                <span class="choice-label">{kind.label()}</span>
                                <span class="choice-help">{kind_help(kind)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </Field>
    }
}

fn kind_help(kind: GatewayKind) -> &'static str {
    match kind {
        GatewayKind::Kannel => "Your own Kannel: its smsbox sendsms interface.",
        GatewayKind::Http => "Any provider's HTTP API: URL, body template and success rule.",
        GatewayKind::Twilio => "Twilio, or a provider with the same Messages API.",
        GatewayKind::EmailToSms => {
            "An operator address such as 447700900123@sms.example.net, sent through the SMTP server."
        }
    }
}

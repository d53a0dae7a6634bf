//! The fields of each gateway kind, and the write-only secret box they share.

use super::editor::Editor;
use crate::form::{Field, SelectField, TextArea, TextField};
use leptos::prelude::*;
use model::sms::template::Placeholder;
use model::sms::{AuthMethod, BodyType, DeliveryReport, GatewayKind, HttpMethod};
use model::{FieldId, SecretText};

const METHODS: &[(HttpMethod, &str)] = &[(HttpMethod::Get, "GET"), (HttpMethod::Post, "POST")];
const BODY_TYPES: &[(BodyType, &str)] = &[
    (BodyType::Form, "Form (URL-encoded)"),
    (BodyType::Json, "JSON"),
    (BodyType::Text, "Plain text"),
];
const AUTH_METHODS: &[(AuthMethod, &str)] = &[
    (AuthMethod::None, "None"),
    (AuthMethod::Basic, "Basic (user name and password)"),
    (AuthMethod::Bearer, "Bearer token"),
    (AuthMethod::Header, "API key in a header"),
];

/// Kannel's smsbox and its sendsms-user.
#[component]
pub(super) fn KannelFields(editor: Editor) -> impl IntoView {
    let state = editor.state;
    view! {
        <fieldset>
            <legend>"Kannel"</legend>
            <TextField state field=FieldId::GatewayUrl label="Sendsms URL"
                warning=url_warning(editor)
                get=|f| f.kannel.url.clone() set=|f, v| f.kannel.url = v
                placeholder="http://kannel.example.net:13013/cgi-bin/sendsms"
                help="smsbox's sendsms-port; /cgi-bin/sendsms is added when only host and port are given."/>
            <TextField state field=FieldId::GatewayUser label="User name"
                get=|f| f.kannel.user_name.clone() set=|f, v| f.kannel.user_name = v
                autocomplete="username"
                help="The username of a sendsms-user group in kannel.conf."/>
            <SecretField editor/>
            <TextField state field=FieldId::GatewaySender
                get=|f| f.kannel.sender.clone() set=|f, v| f.kannel.sender = v
                placeholder="+447700900123 or NACAlerts"
                help="Optional: a number, a short code or an alphanumeric ID of at most 11 characters."/>
            <TextField state field=FieldId::SmscId
                get=|f| f.kannel.smsc_id.clone() set=|f, v| f.kannel.smsc_id = v
                help="Optional: route through this smsc-id of kannel.conf."/>
            <DeliveryReports editor/>
            <TextField state field=FieldId::DeliveryReportUrl
                get=|f| f.kannel.dlr_url.clone() set=|f, v| f.kannel.dlr_url = v
                placeholder="https://nac.example.net/sms/dlr?status=%d&to=%p"
                help="Called by Kannel with each report; Kannel's escapes such as %d and %p are kept."/>
        </fieldset>
    }
}

#[component]
fn DeliveryReports(editor: Editor) -> impl IntoView {
    let error = editor.state.error(FieldId::DeliveryReportMask);
    view! {
        <Field field=FieldId::DeliveryReportMask error
            help=Some("Optional: which delivery reports Kannel should send to the report URL.")>
            <div class="choices inline" id="sms_dlr_mask">
                {DeliveryReport::ALL
                    .into_iter()
                    .map(|report| {
                        let bit = report.bit();
                        let id = format!("sms_dlr_{bit}");
                        let label_for = id.clone();
                        view! {
                            <label class="checkbox" for=label_for>
                                <input
                                    type="checkbox"
                                    id=id
                                    prop:checked=move || {
                                        editor.state.form.with(|f| f.kannel.dlr_mask & bit != 0)
                                    }
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        editor.state.edit(FieldId::DeliveryReportMask, |f| {
                                            if on {
                                                f.kannel.dlr_mask |= bit;
                                            } else {
                                                f.kannel.dlr_mask &= !bit;
                                            }
                                        });
                                    }
                                />
                                {report.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </Field>
    }
}

/// Any HTTP API: URL and body templates, headers, authentication and the success rule.
#[component]
pub(super) fn HttpFields(editor: Editor) -> impl IntoView {
    let state = editor.state;
    let post = Memo::new(move |_| state.form.with(|f| f.http.method == HttpMethod::Post));
    let auth = Memo::new(move |_| state.form.with(|f| f.http.auth));
    view! {
        <fieldset>
            <legend>"Request"</legend>
            <p class="help placeholders">
                "Placeholders: " {Placeholder::list()} ". Each value is escaped for where it "
                "lands: percent-encoded in the URL and in form bodies, JSON-escaped in JSON "
                "bodies. Write a literal brace as {{ or }}."
            </p>
            <TextField state field=FieldId::GatewayUrl label="URL"
                warning=url_warning(editor)
                get=|f| f.http.url.clone() set=|f, v| f.http.url = v
                placeholder="https://sms.example.net/api/send?to={number}"/>
            <SelectField state field=FieldId::HttpMethod choices=METHODS
                get=|f| f.http.method set=|f, v| f.http.method = v/>
            <Show when=move || post.get()>
                <SelectField state field=FieldId::ContentType choices=BODY_TYPES
                    get=|f| f.http.body_type set=|f, v| f.http.body_type = v/>
                <TextArea state field=FieldId::BodyTemplate rows=5
                    get=|f| f.http.body.clone() set=|f, v| f.http.body = v
                    placeholder="{{\"to\": \"{number}\", \"text\": \"{message}\"}}"/>
            </Show>
            <TextArea state field=FieldId::ExtraHeaders rows=3
                get=|f| f.http.headers.clone() set=|f, v| f.http.headers = v
                placeholder="X-Tenant: nac"
                help="One Name: value per line. Shown on this page and stored in clear: put secrets under Authentication."/>
            <TextField state field=FieldId::GatewaySender
                get=|f| f.http.sender.clone() set=|f, v| f.http.sender = v
                help="Optional: the value of {sender}."/>
        </fieldset>
        <fieldset>
            <legend>"Authentication"</legend>
            <SelectField state field=FieldId::AuthMethod choices=AUTH_METHODS
                get=|f| f.http.auth set=|f, v| f.http.auth = v/>
            <Show when=move || auth.get() == AuthMethod::Basic>
                <TextField state field=FieldId::GatewayUser label="User name"
                    get=|f| f.http.user_name.clone() set=|f, v| f.http.user_name = v
                    autocomplete="username"/>
            </Show>
            <Show when=move || auth.get() == AuthMethod::Header>
                <TextField state field=FieldId::AuthHeaderName
                    get=|f| f.http.auth_header.clone() set=|f, v| f.http.auth_header = v
                    placeholder="X-Api-Key"/>
            </Show>
            <Show when=move || auth.get() != AuthMethod::None>
                <SecretField editor/>
            </Show>
        </fieldset>
        <fieldset>
            <legend>"Success rule"</legend>
            <p class="help">"A reply counts as success when its status is 2xx and it passes these optional checks."</p>
            <TextField state field=FieldId::SuccessContains
                get=|f| f.http.success_contains.clone() set=|f, v| f.http.success_contains = v
                placeholder="\"status\":\"queued\""/>
            <TextField state field=FieldId::SuccessExcludes
                get=|f| f.http.success_excludes.clone() set=|f, v| f.http.success_excludes = v
                placeholder="ERROR"/>
        </fieldset>
    }
}

/// Twilio's Messages API or a compatible one.
#[component]
pub(super) fn TwilioFields(editor: Editor) -> impl IntoView {
    let state = editor.state;
    view! {
        <fieldset>
            <legend>"Twilio-compatible API"</legend>
            <TextField state field=FieldId::GatewayUrl label="API base URL"
                warning=url_warning(editor)
                get=|f| f.twilio.api_base.clone() set=|f, v| f.twilio.api_base = v
                help="https://api.twilio.com, or a compatible provider's base URL; /2010-04-01/Accounts/…/Messages.json is added."/>
            <TextField state field=FieldId::AccountSid
                get=|f| f.twilio.account_sid.clone() set=|f, v| f.twilio.account_sid = v
                placeholder="AC…"/>
            <SecretField editor/>
            <TextField state field=FieldId::GatewaySender label="From"
                get=|f| f.twilio.sender.clone() set=|f, v| f.twilio.sender = v
                placeholder="+447700900123, NACAlerts or MG…"
                help="A number of the account, an alphanumeric sender ID, or a messaging service SID."/>
        </fieldset>
    }
}

/// Email-to-SMS sends through the SMTP server: say so, and link to it.
#[component]
pub(super) fn EmailToSmsFields() -> impl IntoView {
    view! {
        <p class="note">
            "Messages go as email through the " <a href="/messaging/smtp">"SMTP server"</a>
            " (its Default From address is the sender). The operator turns each email into an "
            "SMS; the email's body is the SMS text."
        </p>
    }
}

/// The password, token or API key: typed, never shown back. The page only knows whether one
/// is stored, and warns when a change of destination means it will not be kept.
#[component]
fn SecretField(editor: Editor) -> impl IntoView {
    let state = editor.state;
    let label = Signal::derive(move || state.form.with(secret_label));
    let stored = move || {
        editor
            .stored
            .with(|s| s.as_ref().is_some_and(|v| v.secret_stored))
    };
    let will_drop = Signal::derive(move || {
        let context = editor.stored.with(|s| s.as_ref().map(|v| v.stored()));
        state.form.with(|f| f.drops_stored_secret(context.as_ref()))
    });
    let warning = Signal::derive(move || {
        will_drop.get().then(|| {
            "The gateway type, URL, account or trusted CA changed: the stored secret will not \
             be sent there. Enter it again."
                .to_owned()
        })
    });
    let placeholder = move || {
        if will_drop.get() {
            "Enter it again"
        } else if stored() {
            "Stored (leave empty to keep)"
        } else {
            ""
        }
    };
    let error = state.error(FieldId::GatewaySecret);
    view! {
        <Field field=FieldId::GatewaySecret error warning label>
            <input
                id="sms_secret"
                name="sms_secret"
                type="password"
                autocomplete="new-password"
                placeholder=placeholder
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby="sms_secret-error"
                prop:value=move || state.form.with(|f| f.secret.expose().to_owned())
                on:input=move |ev| {
                    let value = SecretText::new(event_target_value(&ev));
                    state.edit(FieldId::GatewaySecret, |f| f.secret = value);
                }
            />
            <p class="password-state" data-testid="secret-state">
                {move || if stored() {
                    "A secret is stored (encrypted). It is never shown; type a new one to replace it."
                } else {
                    "No secret is stored."
                }}
            </p>
        </Field>
    }
}

fn url_warning(editor: Editor) -> Signal<Option<String>> {
    Signal::derive(move || editor.state.form.with(|f| f.url_warning()))
}

fn secret_label(form: &model::SmsGatewayForm) -> &'static str {
    match form.kind {
        GatewayKind::Kannel => "Password",
        GatewayKind::Twilio => "Auth token",
        GatewayKind::Http => match form.http.auth {
            AuthMethod::Basic => "Password",
            AuthMethod::Bearer => "Token",
            AuthMethod::Header => "API key",
            AuthMethod::None => "Secret",
        },
        GatewayKind::EmailToSms => "Secret",
    }
}

//! The SMTP settings form: live validation with the shared model rules, saving, and the
//! password's write-only handling.

use super::reset::SmtpResetDialog;
use super::test_email::TestEmailDialog;
use crate::api::{SavedSmtp, save_smtp_settings};
use crate::form::{
    Field, FormState, Notice, NoticeBanner, TextField, readable_time, textarea_text,
};
use crate::sms::TestSmsDialog;
use leptos::prelude::*;
use model::{ConnectionSecurity, FieldId, GatewaySummary, SecretText, SmtpForm, SmtpSettingsView};

/// The form's state and what is stored; `Copy` because every part is a signal.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub state: FormState<SmtpForm>,
    pub stored: RwSignal<Option<SmtpSettingsView>>,
}

impl Editor {
    fn new(stored: Option<SmtpSettingsView>) -> Editor {
        let initial = stored.as_ref().map(|s| s.to_form()).unwrap_or_default();
        let stored = RwSignal::new(stored);
        let state = FormState::new(initial, move |form: &SmtpForm| {
            let context = stored.with(|s| s.as_ref().map(|view| view.stored()));
            form.validate(context.as_ref()).map(|_| ())
        });
        Editor { state, stored }
    }

    fn warning(self, field: FieldId) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.state.form.with(|f| {
                f.warnings()
                    .into_iter()
                    .find(|(of, _)| *of == field)
                    .map(|(_, text)| text)
            })
        })
    }

    fn dirty(self) -> Signal<bool> {
        Signal::derive(move || {
            let saved = self
                .stored
                .with(|s| s.as_ref().map(|v| v.to_form()).unwrap_or_default());
            self.state.form.with(|f| *f != saved)
        })
    }

    fn apply_saved(self, saved: SavedSmtp) {
        let message = saved.password.saved_message("password");
        self.state
            .settle(saved.view.to_form(), Some(Notice::Success(message)));
        self.stored.set(Some(saved.view));
    }

    /// After a reset: defaults on screen, nothing stored.
    pub fn cleared(self, notice: Notice) {
        self.stored.set(None);
        self.state.settle(SmtpForm::default(), Some(notice));
    }
}

/// The form, filled with the stored settings (or the defaults).
#[component]
pub(super) fn SmtpEditor(
    stored: Option<SmtpSettingsView>,
    sms_gateway: Option<GatewaySummary>,
) -> impl IntoView {
    let editor = Editor::new(stored);
    let save = Action::new(move |form: &SmtpForm| {
        let form = form.clone();
        async move { save_smtp_settings(form).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => editor.apply_saved(saved),
        Some(Err(error)) => editor.state.refused(error),
        None => {}
    });
    let saving = save.pending();
    let test_open = RwSignal::new(false);
    let reset_open = RwSignal::new(false);
    let sms_open = RwSignal::new(false);
    let sms_gateway = Signal::stored(sms_gateway);
    let dirty = editor.dirty();

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
            inert=move || test_open.get() || reset_open.get() || sms_open.get()
        >
            <fieldset>
                <legend>"Server"</legend>
                <TextField state=editor.state field=FieldId::ServerName warning=editor.warning(FieldId::ServerName)
                    get=|f| f.server_name.clone() set=|f, v| f.server_name = v
                    placeholder="smtp.example.net or 192.0.2.25"
                    help="Fully qualified domain name or IP address (IPv4 or IPv6)."/>
                <Field field=FieldId::Security error=editor.state.error(FieldId::Security)
                    warning=editor.warning(FieldId::Security)>
                    <SecuritySelect editor/>
                </Field>
                <TextField state=editor.state field=FieldId::Port warning=editor.warning(FieldId::Port)
                    get=|f| f.port.clone() set=|f, v| f.port = v
                    input_mode="numeric"
                    help="TCP port of the SMTP server: 25 by default; usually 587 with Start TLS and 465 with SSL."/>
                <TextField state=editor.state field=FieldId::Timeout warning=editor.warning(FieldId::Timeout)
                    get=|f| f.timeout_secs.clone() set=|f, v| f.timeout_secs = v
                    input_mode="numeric"
                    help="Seconds allowed for each step of a send (connect, TLS, each SMTP command): 30 by default."/>
            </fieldset>
            <fieldset>
                <legend>"Authentication"</legend>
                <TextField state=editor.state field=FieldId::UserName warning=editor.warning(FieldId::UserName)
                    get=|f| f.user_name.clone() set=|f, v| f.user_name = v
                    autocomplete="username"
                    help="Only if the server requires authentication."/>
                <PasswordFields editor/>
            </fieldset>
            <fieldset>
                <legend>"Messages"</legend>
                <TextField state=editor.state field=FieldId::FromAddress warning=editor.warning(FieldId::FromAddress)
                    get=|f| f.from_address.clone() set=|f, v| f.from_address = v
                    placeholder="Policy Manager <notifications@example.net>"
                    help="The sender shown in every message. A display name is optional."/>
            </fieldset>
            <fieldset>
                <legend>"Trust"</legend>
                <Field field=FieldId::CaCertificate error=editor.state.error(FieldId::CaCertificate)
                    help=Some("Optional. For a relay whose certificate comes from a private CA: paste that CA's certificate (PEM). Certificates are always verified.")>
                    <textarea
                        id="ca_certificate"
                        name="ca_certificate"
                        rows="4"
                        spellcheck="false"
                        placeholder="-----BEGIN CERTIFICATE-----"
                        prop:value=move || editor.state.form.with(|f| f.ca_certificate.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            editor.state.edit(FieldId::CaCertificate, |f| f.ca_certificate = value);
                        }
                    >
                        {editor.state.form.with_untracked(|f| textarea_text(&f.ca_certificate))}
                    </textarea>
                </Field>
            </fieldset>
            <NoticeBanner notice=editor.state.notice/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" on:click=move |_| test_open.set(true)>"Send Test Email"</button>
                <button type="button" on:click=move |_| sms_open.set(true)>"Send Test SMS"</button>
                <button type="button" class="danger" on:click=move |_| reset_open.set(true)>"Reset"</button>
                <span class="saved-at">
                    {move || editor.stored.with(|s| match s {
                        Some(view) => format!("Last saved {}", readable_time(&view.updated_at)),
                        None => "Not configured: nothing is saved.".to_owned(),
                    })}
                    {move || dirty.get().then_some(" · Unsaved changes")}
                </span>
            </div>
        </form>
        <TestEmailDialog open=test_open stored=editor.stored dirty/>
        <TestSmsDialog open=sms_open gateway=sms_gateway dirty=Signal::derive(|| false)/>
        <SmtpResetDialog open=reset_open editor/>
    }
    .into_any()
}

#[component]
fn SecuritySelect(editor: Editor) -> impl IntoView {
    view! {
        <select
            id="security"
            name="security"
            prop:value=move || editor.state.form.with(|f| f.security.as_str())
            on:change=move |ev| {
                if let Some(choice) = ConnectionSecurity::from_id(&event_target_value(&ev)) {
                    editor.state.edit(FieldId::Security, |f| f.security = choice);
                }
            }
        >
            {ConnectionSecurity::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <option
                            value=choice.as_str()
                            selected=move || editor.state.form.with(|f| f.security == choice)
                        >
                            {choice.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// Password and Verify password. The stored password never comes back to the page: the page
/// only knows whether one is stored.
#[component]
fn PasswordFields(editor: Editor) -> impl IntoView {
    let password_stored = move || {
        editor
            .stored
            .with(|s| s.as_ref().is_some_and(|v| v.password_stored))
    };
    let will_drop = Signal::derive(move || {
        let context = editor.stored.with(|s| s.as_ref().map(|v| v.stored()));
        editor
            .state
            .form
            .with(|f| f.drops_stored_password(context.as_ref()))
    });
    let user_cleared = move || editor.state.form.with(|f| f.user_name.trim().is_empty());
    let password_warning = Signal::derive(move || {
        will_drop.get().then(|| {
            if user_cleared() {
                "Without a user name the console sends without authentication: saving removes \
                 the stored password."
            } else {
                "The server, port, security, user name or trusted CA changed: the stored \
                 password will not be kept for the new destination. Enter it again."
            }
            .to_owned()
        })
    });
    let placeholder = move || {
        if will_drop.get() && user_cleared() {
            ""
        } else if will_drop.get() {
            "Enter the password again"
        } else if password_stored() {
            "Stored (leave empty to keep)"
        } else {
            ""
        }
    };
    let password_error = editor.state.error(FieldId::Password);
    let confirm_error = editor.state.error(FieldId::PasswordConfirm);
    view! {
        <Field field=FieldId::Password error=password_error warning=password_warning>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                placeholder=placeholder
                aria-invalid=move || password_error.with(Option::is_some).to_string()
                aria-describedby="password-error"
                prop:value=move || editor.state.form.with(|f| f.password.new_password.expose().to_owned())
                on:input=move |ev| {
                    let value = SecretText::new(event_target_value(&ev));
                    editor.state.edit(FieldId::Password, |f| f.password.new_password = value);
                }
            />
        </Field>
        <Field field=FieldId::PasswordConfirm error=confirm_error>
            <input
                id="password_confirm"
                name="password_confirm"
                type="password"
                autocomplete="new-password"
                aria-invalid=move || confirm_error.with(Option::is_some).to_string()
                aria-describedby="password_confirm-error"
                prop:value=move || editor.state.form.with(|f| f.password.confirm.expose().to_owned())
                on:input=move |ev| {
                    let value = SecretText::new(event_target_value(&ev));
                    editor.state.edit(FieldId::PasswordConfirm, |f| f.password.confirm = value);
                }
            />
        </Field>
        <div class="field note">
            <span></span>
            <div class="control">
                <p class="password-state" data-testid="password-state">
                    {move || if password_stored() {
                        "A password is stored (encrypted). It is never shown; type a new one in \
                         both boxes to replace it."
                    } else {
                        "No password is stored."
                    }}
                </p>
                <Show when=password_stored>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            id="remove_password"
                            name="remove_password"
                            prop:checked=move || editor.state.form.with(|f| f.password.remove_stored)
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                editor.state.edit(FieldId::Password, |f| f.password.remove_stored = checked);
                            }
                        />
                        "Remove the stored password (clear the user name too, to send without \
                         authentication)"
                    </label>
                </Show>
            </div>
        </div>
    }
    .into_any()
}

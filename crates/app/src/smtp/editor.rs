//! The SMTP settings form: live validation with the shared model rules, saving, and the
//! password's write-only handling.

use super::reset::ResetDialog;
use super::test_email::TestEmailDialog;
use crate::api::{PasswordOutcome, SavedSmtp, save_smtp_settings};
use crate::error::ConsoleError;
use crate::form::Field;
use leptos::prelude::*;
use model::{
    ConnectionSecurity, FieldErrors, FieldId, SecretText, SmtpForm, SmtpSettings, SmtpSettingsView,
};

/// A banner above the buttons.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Notice {
    Success(String),
    Failure(String),
}

/// The form's state, shared by its inputs; `Copy` because every part is a signal.
#[derive(Clone, Copy)]
pub(super) struct Editor {
    pub form: RwSignal<SmtpForm>,
    pub stored: RwSignal<Option<SmtpSettingsView>>,
    pub notice: RwSignal<Option<Notice>>,
    touched: RwSignal<Vec<FieldId>>,
    show_all: RwSignal<bool>,
    server_errors: RwSignal<FieldErrors>,
    check: Memo<Result<SmtpSettings, FieldErrors>>,
}

impl Editor {
    fn new(stored: Option<SmtpSettingsView>) -> Editor {
        let form = RwSignal::new(stored.as_ref().map(|s| s.to_form()).unwrap_or_default());
        let stored = RwSignal::new(stored);
        let check = Memo::new(move |_| {
            let context = stored.with(|s| s.as_ref().map(|view| view.stored()));
            form.with(|f| f.validate(context.as_ref()))
        });
        Editor {
            form,
            stored,
            notice: RwSignal::new(None),
            touched: RwSignal::new(Vec::new()),
            show_all: RwSignal::new(false),
            server_errors: RwSignal::new(FieldErrors::new()),
            check,
        }
    }

    /// The message beside `field`: the server's, else the live check's once the field was
    /// edited (or Save was pressed).
    fn error(self, field: FieldId) -> Signal<Option<String>> {
        Signal::derive(move || {
            let from_server = self.server_errors.with(|e| e.get(field).map(str::to_owned));
            if from_server.is_some() {
                return from_server;
            }
            if !self.show_all.get() && !self.touched.with(|t| t.contains(&field)) {
                return None;
            }
            self.check.with(|c| {
                c.as_ref()
                    .err()
                    .and_then(|e| e.get(field))
                    .map(str::to_owned)
            })
        })
    }

    fn warning(self, field: FieldId) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.form.with(|f| {
                f.warnings()
                    .into_iter()
                    .find(|(of, _)| *of == field)
                    .map(|(_, text)| text)
            })
        })
    }

    fn edit(self, field: FieldId, change: impl FnOnce(&mut SmtpForm)) {
        self.form.update(change);
        // A banner about the last save no longer describes what is on screen.
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
        self.server_errors.update(|errors| errors.remove(field));
        if !self.touched.with_untracked(|t| t.contains(&field)) {
            self.touched.update(|t| t.push(field));
        }
    }

    fn dirty(self) -> Signal<bool> {
        Signal::derive(move || {
            let saved = self
                .stored
                .with(|s| s.as_ref().map(|v| v.to_form()).unwrap_or_default());
            self.form.with(|f| *f != saved)
        })
    }

    fn apply_saved(self, saved: SavedSmtp) {
        let message = match saved.password {
            PasswordOutcome::Replaced => "Saved. The new password is stored encrypted.",
            PasswordOutcome::Kept => "Saved. The stored password was kept.",
            PasswordOutcome::Removed => "Saved. The stored password was removed.",
            PasswordOutcome::None => "Saved.",
        };
        self.form.set(saved.view.to_form());
        self.stored.set(Some(saved.view));
        self.touched.set(Vec::new());
        self.show_all.set(false);
        self.notice.set(Some(Notice::Success(message.to_owned())));
    }

    fn apply_error(self, error: ConsoleError) {
        match error {
            ConsoleError::Invalid(errors) => {
                self.server_errors.set(errors);
                self.notice.set(Some(Notice::Failure(
                    "Not saved: correct the fields marked below.".to_owned(),
                )));
            }
            other => self
                .notice
                .set(Some(Notice::Failure(format!("Not saved. {other}")))),
        }
    }

    /// After a reset: defaults on screen, nothing stored.
    pub fn cleared(self) {
        self.stored.set(None);
        self.form.set(SmtpForm::default());
        self.touched.set(Vec::new());
        self.show_all.set(false);
        self.server_errors.set(FieldErrors::new());
    }
}

/// The form, filled with the stored settings (or the defaults).
#[component]
pub(super) fn SmtpEditor(stored: Option<SmtpSettingsView>) -> impl IntoView {
    let editor = Editor::new(stored);
    let save = Action::new(move |form: &SmtpForm| {
        let form = form.clone();
        async move { save_smtp_settings(form).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => editor.apply_saved(saved),
        Some(Err(error)) => editor.apply_error(error),
        None => {}
    });
    let saving = save.pending();
    let test_open = RwSignal::new(false);
    let reset_open = RwSignal::new(false);
    let dirty = editor.dirty();

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        editor.show_all.set(true);
        editor.notice.set(None);
        match editor.check.get_untracked() {
            Ok(_) => {
                save.dispatch(editor.form.get_untracked());
            }
            Err(errors) => {
                let message = match errors.iter().count() {
                    1 => "Not saved: one field needs attention.".to_owned(),
                    count => format!("Not saved: {count} fields need attention."),
                };
                editor.notice.set(Some(Notice::Failure(message)));
                if let Some(first) = errors.iter().next() {
                    focus(first.field.id());
                }
            }
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
                <legend>"Server"</legend>
                <TextField editor field=FieldId::ServerName
                    get=|f| f.server_name.clone() set=|f, v| f.server_name = v
                    placeholder="smtp.example.net or 192.0.2.25"
                    help="Fully qualified domain name or IP address (IPv4 or IPv6)."/>
                <Field field=FieldId::Security error=editor.error(FieldId::Security)
                    warning=editor.warning(FieldId::Security)>
                    <SecuritySelect editor/>
                </Field>
                <TextField editor field=FieldId::Port
                    get=|f| f.port.clone() set=|f, v| f.port = v
                    input_mode="numeric"
                    help="TCP port of the SMTP server: 25 by default; usually 587 with Start TLS and 465 with SSL."/>
                <TextField editor field=FieldId::Timeout
                    get=|f| f.timeout_secs.clone() set=|f, v| f.timeout_secs = v
                    input_mode="numeric"
                    help="Seconds allowed for each step of a send (connect, TLS, each SMTP command): 30 by default."/>
            </fieldset>
            <fieldset>
                <legend>"Authentication"</legend>
                <TextField editor field=FieldId::UserName
                    get=|f| f.user_name.clone() set=|f, v| f.user_name = v
                    autocomplete="username"
                    help="Only if the server requires authentication."/>
                <PasswordFields editor/>
            </fieldset>
            <fieldset>
                <legend>"Messages"</legend>
                <TextField editor field=FieldId::FromAddress
                    get=|f| f.from_address.clone() set=|f, v| f.from_address = v
                    placeholder="Policy Manager <notifications@example.net>"
                    help="The sender shown in every message. A display name is optional."/>
            </fieldset>
            <fieldset>
                <legend>"Trust"</legend>
                <Field field=FieldId::CaCertificate error=editor.error(FieldId::CaCertificate)
                    help=Some("Optional. For a relay whose certificate comes from a private CA: paste that CA's certificate (PEM). Certificates are always verified.")>
                    <textarea
                        id="ca_certificate"
                        name="ca_certificate"
                        rows="4"
                        spellcheck="false"
                        placeholder="-----BEGIN CERTIFICATE-----"
                        prop:value=move || editor.form.with(|f| f.ca_certificate.clone())
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            editor.edit(FieldId::CaCertificate, |f| f.ca_certificate = value);
                        }
                    >
                        {editor.form.with_untracked(|f| f.ca_certificate.clone())}
                    </textarea>
                </Field>
            </fieldset>
            {move || editor.notice.get().map(|notice| match notice {
                Notice::Success(text) => view! {
                    <div class="banner success" role="status">{text}</div>
                }.into_any(),
                Notice::Failure(text) => view! {
                    <div class="banner error" role="alert">{text}</div>
                }.into_any(),
            })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get()>
                    {move || if saving.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" on:click=move |_| test_open.set(true)>"Send Test Email"</button>
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
        <ResetDialog open=reset_open editor/>
    }
    .into_any()
}

/// A single-line text input bound to one field of the form.
#[component]
fn TextField(
    editor: Editor,
    field: FieldId,
    get: fn(&SmtpForm) -> String,
    set: fn(&mut SmtpForm, String),
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] input_mode: &'static str,
) -> impl IntoView {
    let error = editor.error(field);
    let id = field.id();
    view! {
        <Field field error warning=editor.warning(field) help=help>
            <input
                id=id
                name=id
                type="text"
                inputmode=input_mode
                autocomplete=autocomplete
                spellcheck="false"
                placeholder=placeholder
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=format!("{id}-error")
                value=editor.form.with_untracked(get)
                prop:value=move || editor.form.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    editor.edit(field, |f| set(f, value));
                }
            />
        </Field>
    }
}

#[component]
fn SecuritySelect(editor: Editor) -> impl IntoView {
    view! {
        <select
            id="security"
            name="security"
            prop:value=move || editor.form.with(|f| f.security.as_str())
            on:change=move |ev| {
                if let Some(choice) = ConnectionSecurity::from_id(&event_target_value(&ev)) {
                    editor.edit(FieldId::Security, |f| f.security = choice);
                }
            }
        >
            {ConnectionSecurity::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <option
                            value=choice.as_str()
                            selected=move || editor.form.with(|f| f.security == choice)
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
            .form
            .with(|f| f.drops_stored_password(context.as_ref()))
    });
    let user_cleared = move || editor.form.with(|f| f.user_name.trim().is_empty());
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
    let password_error = editor.error(FieldId::Password);
    let confirm_error = editor.error(FieldId::PasswordConfirm);
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
                prop:value=move || editor.form.with(|f| f.password.new_password.expose().to_owned())
                on:input=move |ev| {
                    let value = SecretText::new(event_target_value(&ev));
                    editor.edit(FieldId::Password, |f| f.password.new_password = value);
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
                prop:value=move || editor.form.with(|f| f.password.confirm.expose().to_owned())
                on:input=move |ev| {
                    let value = SecretText::new(event_target_value(&ev));
                    editor.edit(FieldId::PasswordConfirm, |f| f.password.confirm = value);
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
                            prop:checked=move || editor.form.with(|f| f.password.remove_stored)
                            on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                editor.edit(FieldId::Password, |f| f.password.remove_stored = checked);
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

/// `2026-12-04T16:34:56Z` as `2026-12-04 16:34:56 UTC`.
fn readable_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(time) => format!("{} UTC", time.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

/// Moves the keyboard focus to the input with this id, if it is on the page.
fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        if let Some(input) = document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

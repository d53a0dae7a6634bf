//! The SMTP Server form through the public API: every rule `SmtpForm::validate` applies, what
//! happens to a stored password, the advice `warnings` gives, and the way stored settings come
//! back into the form.

use model::smtp::{
    DEFAULT_PORT, DEFAULT_TIMEOUT_SECS, MAX_PASSWORD_CHARS, MAX_USER_NAME_CHARS,
    port_security_warning,
};
use model::{
    ConnectionSecurity, Destination, FieldErrors, FieldId, Mailbox, PasswordInput, PasswordPlan,
    SecretText, ServerName, SmtpForm, SmtpSettings, SmtpSettingsView, StoredSmtp,
};
use std::net::Ipv6Addr;

const PASSWORD: &str = "correct horse battery staple";
const SERVER: &str = "smtp.example.net";
const USER: &str = "alerts";
const CERTIFICATE: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nAA==\n-----END CERTIFICATE-----\n";

/// Builds a form that passes every rule (server, port 587 with Start TLS, a user name with its
/// password typed in both boxes, a From address with a display name), then lets a test change
/// the one thing it is about.
struct FormBuilder(SmtpForm);

impl FormBuilder {
    fn valid() -> Self {
        FormBuilder(SmtpForm {
            server_name: SERVER.to_owned(),
            port: "587".to_owned(),
            security: ConnectionSecurity::StartTls,
            user_name: USER.to_owned(),
            password: PasswordInput {
                new_password: SecretText::new(PASSWORD),
                confirm: SecretText::new(PASSWORD),
                remove_stored: false,
            },
            from_address: "Alerts <alerts@example.net>".to_owned(),
            timeout_secs: "30".to_owned(),
            ca_certificate: String::new(),
        })
    }

    fn server(mut self, server_name: &str) -> Self {
        self.0.server_name = server_name.to_owned();
        self
    }

    fn port(mut self, port: &str) -> Self {
        self.0.port = port.to_owned();
        self
    }

    fn security(mut self, security: ConnectionSecurity) -> Self {
        self.0.security = security;
        self
    }

    fn user(mut self, user_name: &str) -> Self {
        self.0.user_name = user_name.to_owned();
        self
    }

    /// Types `password` into both boxes.
    fn password(self, password: &str) -> Self {
        self.password_boxes(password, password)
    }

    fn password_boxes(mut self, new_password: &str, confirm: &str) -> Self {
        self.0.password.new_password = SecretText::new(new_password);
        self.0.password.confirm = SecretText::new(confirm);
        self
    }

    /// Leaves both password boxes empty, as when the stored password should be kept.
    fn no_password(self) -> Self {
        self.password_boxes("", "")
    }

    /// No user name and no password: send without authentication.
    fn anonymous(self) -> Self {
        self.user("").no_password()
    }

    fn remove_stored(mut self) -> Self {
        self.0.password.remove_stored = true;
        self
    }

    fn from(mut self, from_address: &str) -> Self {
        self.0.from_address = from_address.to_owned();
        self
    }

    fn timeout(mut self, timeout_secs: &str) -> Self {
        self.0.timeout_secs = timeout_secs.to_owned();
        self
    }

    fn ca(mut self, ca_certificate: &str) -> Self {
        self.0.ca_certificate = ca_certificate.to_owned();
        self
    }

    fn build(self) -> SmtpForm {
        self.0
    }
}

/// What is stored after the valid form was saved: its destination, with a password.
fn stored_with_password() -> StoredSmtp {
    StoredSmtp {
        destination: Destination {
            server: ServerName::Domain(SERVER.to_owned()),
            port: 587,
            security: ConnectionSecurity::StartTls,
            user_name: Some(USER.to_owned()),
            ca_certificate: None,
        },
        password_stored: true,
    }
}

/// Stored settings as the page receives them, matching `stored_with_password`.
fn stored_view() -> SmtpSettingsView {
    SmtpSettingsView {
        server: ServerName::Domain(SERVER.to_owned()),
        port: 587,
        security: ConnectionSecurity::StartTls,
        user_name: Some(USER.to_owned()),
        password_stored: true,
        from: Mailbox {
            display_name: Some("Alerts".to_owned()),
            local_part: "alerts".to_owned(),
            domain: "example.net".to_owned(),
        },
        timeout_secs: 45,
        ca_certificate: Some(CERTIFICATE.to_owned()),
        updated_at: "2025-01-02T03:04:05Z".to_owned(),
    }
}

fn valid(form: &SmtpForm, stored: Option<&StoredSmtp>) -> SmtpSettings {
    match form.validate(stored) {
        Ok(settings) => settings,
        Err(errors) => panic!("expected the form to pass, got: {errors}"),
    }
}

fn invalid(form: &SmtpForm, stored: Option<&StoredSmtp>) -> FieldErrors {
    match form.validate(stored) {
        Ok(settings) => panic!("expected the form to be rejected, got {settings:?}"),
        Err(errors) => errors,
    }
}

fn fields(errors: &FieldErrors) -> Vec<FieldId> {
    errors.iter().map(|error| error.field).collect()
}

/// The only error is on `field`; returns its message.
fn only_error_on(field: FieldId, errors: &FieldErrors) -> String {
    assert_eq!(fields(errors), vec![field], "errors: {errors}");
    errors.get(field).unwrap().to_owned()
}

fn is_replace_with(plan: &PasswordPlan, password: &str) -> bool {
    matches!(plan, PasswordPlan::Replace(secret) if secret.expose() == password)
}

// ---------------------------------------------------------------------------------------------
// ConnectionSecurity
// ---------------------------------------------------------------------------------------------

#[test]
fn connection_security_defaults_to_none() {
    let security = ConnectionSecurity::default();

    assert_eq!(security, ConnectionSecurity::None);
}

#[test]
fn connection_security_choices_are_listed_in_page_order() {
    let all = ConnectionSecurity::ALL;

    assert_eq!(
        all,
        [
            ConnectionSecurity::None,
            ConnectionSecurity::Ssl,
            ConnectionSecurity::StartTls
        ]
    );
}

#[test]
fn connection_security_labels_are_the_ones_the_page_shows() {
    let labels: Vec<&str> = ConnectionSecurity::ALL.iter().map(|s| s.label()).collect();

    assert_eq!(labels, ["None", "SSL", "Start TLS"]);
}

#[test]
fn connection_security_displays_as_its_label() {
    let shown: Vec<String> = ConnectionSecurity::ALL
        .iter()
        .map(|s| s.to_string())
        .collect();

    assert_eq!(shown, ["None", "SSL", "Start TLS"]);
}

#[test]
fn connection_security_ids_are_stable_lowercase_words() {
    let ids: Vec<&str> = ConnectionSecurity::ALL.iter().map(|s| s.as_str()).collect();

    assert_eq!(ids, ["none", "ssl", "starttls"]);
}

#[test]
fn every_connection_security_id_round_trips_through_from_id() {
    for choice in ConnectionSecurity::ALL {
        let id = choice.as_str();

        let parsed = ConnectionSecurity::from_id(id);

        assert_eq!(parsed, Some(choice), "id {id:?}");
    }
}

#[test]
fn labels_unknown_ids_and_other_spellings_are_not_ids() {
    let candidates = ["", "SSL", "Start TLS", "start_tls", "tls", " ssl", "NONE"];

    let parsed: Vec<_> = candidates
        .iter()
        .map(|id| ConnectionSecurity::from_id(id))
        .collect();

    assert!(parsed.iter().all(Option::is_none), "{parsed:?}");
}

#[test]
fn only_ssl_and_start_tls_are_encrypted() {
    let encrypted: Vec<bool> = ConnectionSecurity::ALL
        .iter()
        .map(|s| s.is_encrypted())
        .collect();

    assert_eq!(encrypted, [false, true, true]);
}

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

#[test]
fn default_form_uses_port_25_timeout_30_and_no_security() {
    let form = SmtpForm::default();

    assert_eq!(form.port, "25");
    assert_eq!(form.timeout_secs, "30");
    assert_eq!(form.security, ConnectionSecurity::None);
    assert_eq!((DEFAULT_PORT, DEFAULT_TIMEOUT_SECS), (25, 30));
}

#[test]
fn default_form_starts_with_every_text_box_and_password_box_empty() {
    let form = SmtpForm::default();

    assert_eq!(form.server_name, "");
    assert_eq!(form.user_name, "");
    assert_eq!(form.from_address, "");
    assert_eq!(form.ca_certificate, "");
    assert!(form.password.new_password.is_empty());
    assert!(form.password.confirm.is_empty());
    assert!(!form.password.remove_stored);
}

#[test]
fn default_form_needs_only_a_server_and_a_from_address() {
    let form = SmtpForm::default();

    let errors = invalid(&form, None);

    assert_eq!(
        fields(&errors),
        vec![FieldId::ServerName, FieldId::FromAddress]
    );
}

#[test]
fn default_form_with_a_server_and_from_address_passes_with_the_defaults() {
    let form = SmtpForm {
        server_name: SERVER.to_owned(),
        from_address: "alerts@example.net".to_owned(),
        ..SmtpForm::default()
    };

    let settings = valid(&form, None);

    assert_eq!(settings.port, 25);
    assert_eq!(settings.timeout_secs, 30);
    assert_eq!(settings.security, ConnectionSecurity::None);
    assert_eq!(settings.user_name, None);
    assert_eq!(settings.password, PasswordPlan::Clear);
    assert_eq!(settings.ca_certificate, None);
}

#[test]
fn valid_form_becomes_settings_with_every_field_parsed() {
    let form = FormBuilder::valid().build();

    let settings = valid(&form, None);

    assert_eq!(settings.server, ServerName::Domain(SERVER.to_owned()));
    assert_eq!(settings.port, 587);
    assert_eq!(settings.security, ConnectionSecurity::StartTls);
    assert_eq!(settings.user_name.as_deref(), Some(USER));
    assert!(is_replace_with(&settings.password, PASSWORD));
    assert_eq!(settings.from.address(), "alerts@example.net");
    assert_eq!(settings.timeout_secs, 30);
    assert_eq!(settings.ca_certificate, None);
}

#[test]
fn settings_destination_is_the_server_port_security_and_user_name() {
    let settings = valid(&FormBuilder::valid().build(), None);

    let destination = settings.destination();

    assert_eq!(destination, stored_with_password().destination);
}

// ---------------------------------------------------------------------------------------------
// Server name
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_server_name_is_required() {
    let form = FormBuilder::valid().server("   ").build();

    let errors = invalid(&form, None);

    let message = only_error_on(FieldId::ServerName, &errors);
    assert!(message.starts_with("Enter"), "{message}");
}

#[test]
fn server_name_is_trimmed_and_lowercased() {
    let form = FormBuilder::valid().server("  SMTP.Example.NET.  ").build();

    let settings = valid(&form, None);

    assert_eq!(settings.server, ServerName::Domain(SERVER.to_owned()));
}

#[test]
fn ipv4_and_ipv6_server_addresses_are_accepted() {
    let v4 = FormBuilder::valid().server("192.0.2.25").build();
    let v6 = FormBuilder::valid().server("[2001:db8::25]").build();

    let (v4, v6) = (valid(&v4, None), valid(&v6, None));

    assert_eq!(v4.server, ServerName::Ipv4([192, 0, 2, 25].into()));
    assert_eq!(
        v6.server,
        ServerName::Ipv6("2001:db8::25".parse::<Ipv6Addr>().unwrap())
    );
}

#[test]
fn server_name_with_a_port_is_rejected_beside_the_server_name() {
    let form = FormBuilder::valid().server("smtp.example.net:587").build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::ServerName, &errors).contains("Port field"));
}

/// "[2001:db8::25]:587" does have its closing bracket; the port after it belongs in the Port
/// field, exactly as for `2001:db8::25` or a name followed by `:587`.
#[test]
fn bracketed_ipv6_server_with_a_port_is_told_to_use_the_port_field() {
    let form = FormBuilder::valid().server("[2001:db8::25]:587").build();

    let errors = invalid(&form, None);

    let message = only_error_on(FieldId::ServerName, &errors);
    assert!(
        message.contains("Port field"),
        "misleading message: {message}"
    );
}

#[test]
fn line_break_injected_into_the_server_name_is_rejected() {
    let form = FormBuilder::valid()
        .server("smtp.example.net\r\nRCPT TO:<victim@example.org>")
        .build();

    let errors = invalid(&form, None);

    let message = only_error_on(FieldId::ServerName, &errors);
    assert!(message.contains("carriage return"), "{message}");
}

#[cfg(not(feature = "idna"))]
#[test]
fn internationalised_server_name_without_the_converter_asks_for_the_ascii_form() {
    let form = FormBuilder::valid().server("bücher.example").build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::ServerName, &errors).contains("xn--"));
}

#[cfg(feature = "idna")]
#[test]
fn internationalised_server_name_is_stored_as_punycode() {
    let form = FormBuilder::valid().server("Bücher.example").build();

    let settings = valid(&form, None);

    assert_eq!(
        settings.server,
        ServerName::Domain("xn--bcher-kva.example".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_port_asks_for_one_and_names_the_default() {
    let form = FormBuilder::valid().port("").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Port, &errors),
        "Enter a port (25 is the default)"
    );
}

#[test]
fn blank_port_counts_as_empty() {
    let form = FormBuilder::valid().port("   ").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Port, &errors),
        "Enter a port (25 is the default)"
    );
}

#[test]
fn port_zero_is_rejected() {
    let form = FormBuilder::valid().port("0").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Port, &errors),
        "The port must be a whole number from 1 to 65535"
    );
}

#[test]
fn port_65536_is_rejected() {
    let form = FormBuilder::valid().port("65536").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Port, &errors),
        "The port must be a whole number from 1 to 65535"
    );
}

#[test]
fn non_numeric_port_is_rejected() {
    for port in ["abc", "-1", "5.87", "587a", "99999999999", "five"] {
        let form = FormBuilder::valid().port(port).build();

        let errors = invalid(&form, None);

        assert_eq!(
            only_error_on(FieldId::Port, &errors),
            "The port must be a whole number from 1 to 65535",
            "port {port:?}"
        );
    }
}

#[test]
fn port_with_surrounding_spaces_is_accepted() {
    let form = FormBuilder::valid().port(" 587 ").build();

    let settings = valid(&form, None);

    assert_eq!(settings.port, 587);
}

#[test]
fn lowest_and_highest_ports_are_accepted() {
    let lowest = FormBuilder::valid().port("1").build();
    let highest = FormBuilder::valid().port("65535").build();

    let (lowest, highest) = (valid(&lowest, None), valid(&highest, None));

    assert_eq!((lowest.port, highest.port), (1, 65535));
}

// ---------------------------------------------------------------------------------------------
// Timeout
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_timeout_asks_for_one_and_names_the_default() {
    let form = FormBuilder::valid().timeout("").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Timeout, &errors),
        "Enter a timeout in seconds (30 is the default)"
    );
}

#[test]
fn timeout_zero_is_rejected() {
    let form = FormBuilder::valid().timeout("0").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Timeout, &errors),
        "The timeout must be a whole number of seconds from 1 to 300"
    );
}

#[test]
fn timeout_of_301_seconds_is_rejected() {
    let form = FormBuilder::valid().timeout("301").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Timeout, &errors),
        "The timeout must be a whole number of seconds from 1 to 300"
    );
}

#[test]
fn timeout_of_one_second_is_accepted() {
    let form = FormBuilder::valid().timeout("1").build();

    let settings = valid(&form, None);

    assert_eq!(settings.timeout_secs, 1);
}

#[test]
fn timeout_of_300_seconds_is_accepted() {
    let form = FormBuilder::valid().timeout("300").build();

    let settings = valid(&form, None);

    assert_eq!(settings.timeout_secs, 300);
}

#[test]
fn non_numeric_timeout_is_rejected() {
    for timeout in ["x", "-5", "1.5", "30s"] {
        let form = FormBuilder::valid().timeout(timeout).build();

        let errors = invalid(&form, None);

        assert_eq!(
            only_error_on(FieldId::Timeout, &errors),
            "The timeout must be a whole number of seconds from 1 to 300",
            "timeout {timeout:?}"
        );
    }
}

#[test]
fn timeout_with_surrounding_spaces_is_accepted() {
    let form = FormBuilder::valid().timeout(" 60 ").build();

    let settings = valid(&form, None);

    assert_eq!(settings.timeout_secs, 60);
}

// ---------------------------------------------------------------------------------------------
// User name
// ---------------------------------------------------------------------------------------------

#[test]
fn user_name_is_trimmed() {
    let form = FormBuilder::valid().user("  alerts  ").build();

    let settings = valid(&form, None);

    assert_eq!(settings.user_name.as_deref(), Some("alerts"));
}

#[test]
fn blank_user_name_means_no_authentication() {
    let form = FormBuilder::valid().user("   ").no_password().build();

    let settings = valid(&form, None);

    assert_eq!(settings.user_name, None);
    assert_eq!(settings.password, PasswordPlan::Clear);
}

#[test]
fn line_break_injected_into_the_user_name_is_rejected() {
    let form = FormBuilder::valid()
        .user("alerts\r\nMAIL FROM:<x@example.org>")
        .build();

    let errors = invalid(&form, None);

    let message = only_error_on(FieldId::UserName, &errors);
    assert!(message.contains("carriage return"), "{message}");
    assert!(message.contains("single line"), "{message}");
}

#[test]
fn other_control_characters_in_the_user_name_are_rejected() {
    for user in ["ale\nrts", "ale\trts", "ale\0rts", "ale\u{7f}rts"] {
        let form = FormBuilder::valid().user(user).build();

        let errors = invalid(&form, None);

        assert_eq!(fields(&errors), vec![FieldId::UserName], "user {user:?}");
    }
}

#[test]
fn user_name_of_the_maximum_length_is_accepted() {
    let user = "u".repeat(MAX_USER_NAME_CHARS);
    let form = FormBuilder::valid().user(&user).build();

    let settings = valid(&form, None);

    assert_eq!(settings.user_name, Some(user));
}

#[test]
fn user_name_one_character_too_long_is_rejected() {
    let user = "é".repeat(MAX_USER_NAME_CHARS + 1);
    let form = FormBuilder::valid().user(&user).build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::UserName, &errors),
        "The user name may have at most 256 characters"
    );
}

// ---------------------------------------------------------------------------------------------
// Password boxes
// ---------------------------------------------------------------------------------------------

#[test]
fn mismatched_verify_box_is_reported_beside_the_verify_box() {
    let form = FormBuilder::valid()
        .password_boxes(PASSWORD, "correct horse battery stapler")
        .build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::PasswordConfirm, &errors),
        "The two passwords do not match"
    );
}

#[test]
fn verify_box_left_empty_asks_to_type_the_password_again() {
    let form = FormBuilder::valid().password_boxes(PASSWORD, "").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::PasswordConfirm, &errors),
        "Type the password again to verify it"
    );
}

#[test]
fn verify_box_filled_with_the_password_box_empty_is_a_mismatch() {
    let form = FormBuilder::valid().password_boxes("", PASSWORD).build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(
        only_error_on(FieldId::PasswordConfirm, &errors),
        "The two passwords do not match"
    );
}

#[test]
fn control_character_in_the_password_is_rejected() {
    let password = "pass\nword";
    let form = FormBuilder::valid().password(password).build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Password, &errors),
        "The password cannot contain a line break"
    );
}

#[test]
fn tab_and_nul_in_the_password_are_rejected() {
    for password in ["pass\tword", "pass\0word", "password\r"] {
        let form = FormBuilder::valid().password(password).build();

        let errors = invalid(&form, None);

        assert_eq!(
            fields(&errors),
            vec![FieldId::Password],
            "password {password:?}"
        );
    }
}

#[test]
fn password_of_the_maximum_length_is_accepted() {
    let password = "é".repeat(MAX_PASSWORD_CHARS);
    let form = FormBuilder::valid().password(&password).build();

    let settings = valid(&form, None);

    assert!(is_replace_with(&settings.password, &password));
}

#[test]
fn overlong_password_is_rejected() {
    let password = "p".repeat(MAX_PASSWORD_CHARS + 1);
    let form = FormBuilder::valid().password(&password).build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Password, &errors),
        "The password may have at most 256 characters"
    );
}

#[test]
fn password_is_kept_exactly_as_typed_including_spaces() {
    let password = "  spaced out  ";
    let form = FormBuilder::valid().password(password).build();

    let settings = valid(&form, None);

    assert!(is_replace_with(&settings.password, password));
}

#[test]
fn password_with_no_user_name_is_reported_beside_the_user_name() {
    let form = FormBuilder::valid().user("").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::UserName, &errors),
        "Enter the user name this password belongs to, or leave both empty"
    );
}

#[test]
fn user_name_with_no_password_and_nothing_stored_asks_for_the_password() {
    let form = FormBuilder::valid().no_password().build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::Password, &errors),
        "Enter the password for this user name, or clear the user name to send without \
         authentication"
    );
}

#[test]
fn user_name_with_no_password_when_the_stored_settings_have_none_asks_for_the_password() {
    let stored = StoredSmtp {
        password_stored: false,
        ..stored_with_password()
    };
    let form = FormBuilder::valid().no_password().build();

    let errors = invalid(&form, Some(&stored));

    assert!(only_error_on(FieldId::Password, &errors).starts_with("Enter the password for this"));
}

#[test]
fn no_user_name_and_no_password_sends_without_authentication() {
    let form = FormBuilder::valid().anonymous().build();

    let settings = valid(&form, None);

    assert_eq!(settings.user_name, None);
    assert_eq!(settings.password, PasswordPlan::Clear);
}

// ---------------------------------------------------------------------------------------------
// Password plans
// ---------------------------------------------------------------------------------------------

#[test]
fn typed_password_is_stored_when_nothing_is_stored_yet() {
    let form = FormBuilder::valid().build();

    let settings = valid(&form, None);

    assert!(is_replace_with(&settings.password, PASSWORD));
}

#[test]
fn typed_password_replaces_the_stored_one_for_the_same_destination() {
    let form = FormBuilder::valid().password("a brand new one").build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert!(is_replace_with(&settings.password, "a brand new one"));
}

#[test]
fn typed_password_is_accepted_for_a_changed_destination() {
    let form = FormBuilder::valid()
        .server("relay.example.org")
        .password("relay pass")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert!(is_replace_with(&settings.password, "relay pass"));
}

#[test]
fn typed_password_wins_over_remove_stored() {
    let form = FormBuilder::valid()
        .password("a brand new one")
        .remove_stored()
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert!(is_replace_with(&settings.password, "a brand new one"));
}

#[test]
fn stored_password_is_kept_when_the_destination_is_unchanged() {
    let form = FormBuilder::valid().no_password().build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn stored_password_is_kept_when_only_the_from_address_changes() {
    let form = FormBuilder::valid()
        .no_password()
        .from("noc@example.org")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
    assert_eq!(settings.from.address(), "noc@example.org");
}

#[test]
fn stored_password_is_kept_when_only_the_timeout_changes() {
    let form = FormBuilder::valid().no_password().timeout("120").build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn a_new_trusted_ca_drops_the_stored_password_because_it_could_vouch_for_an_impostor() {
    let form = FormBuilder::valid().no_password().ca(CERTIFICATE).build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(errors.get(FieldId::Password), Some(ENTER_AGAIN));
    assert!(form.drops_stored_password(Some(&stored_with_password())));
}

#[test]
fn stored_password_is_cleared_when_removal_is_asked_for_and_the_user_name_is_cleared() {
    let form = FormBuilder::valid().anonymous().remove_stored().build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Clear);
    assert_eq!(settings.user_name, None);
}

#[test]
fn stored_password_is_cleared_when_removal_is_asked_for_on_a_record_without_a_user_name() {
    let mut stored = stored_with_password();
    stored.destination.user_name = None;
    let form = FormBuilder::valid().anonymous().remove_stored().build();

    let settings = valid(&form, Some(&stored));

    assert_eq!(settings.password, PasswordPlan::Clear);
}

#[test]
fn removing_the_stored_password_but_keeping_the_user_name_is_refused_beside_the_password() {
    let form = FormBuilder::valid().no_password().remove_stored().build();

    let errors = invalid(&form, Some(&stored_with_password()));

    only_error_on(FieldId::Password, &errors);
}

/// Nothing but the "remove the stored password" box changed, so the message must not tell the
/// admin that the server, port, security or user name changed.
#[test]
fn removing_the_stored_password_does_not_claim_the_destination_changed() {
    let form = FormBuilder::valid().no_password().remove_stored().build();

    let errors = invalid(&form, Some(&stored_with_password()));

    let message = errors.get(FieldId::Password).unwrap();
    assert!(
        !message.contains("changed"),
        "misleading message: {message}"
    );
}

const ENTER_AGAIN: &str = "The server, port, security, user name or trusted CA changed, so the stored \
                           password will not be used for it: enter the password again (or clear \
                           the user name)";

#[test]
fn stored_password_does_not_follow_a_changed_server() {
    let form = FormBuilder::valid()
        .no_password()
        .server("relay.example.org")
        .build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(only_error_on(FieldId::Password, &errors), ENTER_AGAIN);
}

#[test]
fn stored_password_does_not_follow_a_changed_port() {
    let form = FormBuilder::valid().no_password().port("2525").build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(only_error_on(FieldId::Password, &errors), ENTER_AGAIN);
}

#[test]
fn stored_password_does_not_follow_a_changed_security() {
    let form = FormBuilder::valid()
        .no_password()
        .security(ConnectionSecurity::None)
        .build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(only_error_on(FieldId::Password, &errors), ENTER_AGAIN);
}

#[test]
fn stored_password_does_not_follow_a_changed_user_name() {
    let form = FormBuilder::valid()
        .no_password()
        .user("someone-else")
        .build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(only_error_on(FieldId::Password, &errors), ENTER_AGAIN);
}

#[test]
fn user_name_differing_only_in_case_is_a_different_user() {
    let form = FormBuilder::valid().no_password().user("Alerts").build();

    let errors = invalid(&form, Some(&stored_with_password()));

    assert_eq!(only_error_on(FieldId::Password, &errors), ENTER_AGAIN);
}

#[test]
fn changed_destination_with_the_user_name_cleared_drops_the_password_without_error() {
    let form = FormBuilder::valid()
        .anonymous()
        .server("relay.example.org")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Clear);
    assert_eq!(settings.user_name, None);
}

#[test]
fn clearing_only_the_user_name_drops_the_stored_password_without_error() {
    let form = FormBuilder::valid().anonymous().build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Clear);
}

#[test]
fn ipv6_address_with_and_without_brackets_is_the_same_destination() {
    let mut stored = stored_with_password();
    stored.destination.server = ServerName::parse("[2001:db8::25]").unwrap();
    let form = FormBuilder::valid()
        .no_password()
        .server("2001:db8::25")
        .build();

    let settings = valid(&form, Some(&stored));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn ipv6_address_typed_in_brackets_matches_one_stored_from_a_bare_address() {
    let mut stored = stored_with_password();
    stored.destination.server = ServerName::parse("2001:db8::25").unwrap();
    let form = FormBuilder::valid()
        .no_password()
        .server("[2001:db8::25]")
        .build();

    let settings = valid(&form, Some(&stored));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn ipv6_address_written_longhand_is_the_same_destination() {
    let mut stored = stored_with_password();
    stored.destination.server = ServerName::parse("[2001:db8::25]").unwrap();
    let form = FormBuilder::valid()
        .no_password()
        .server("2001:0DB8:0:0:0:0:0:0025")
        .build();

    let settings = valid(&form, Some(&stored));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn server_name_differing_only_in_case_is_the_same_destination() {
    let form = FormBuilder::valid()
        .no_password()
        .server("SMTP.example.net")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn server_name_with_a_trailing_dot_is_the_same_destination() {
    let form = FormBuilder::valid()
        .no_password()
        .server("smtp.example.net.")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn port_and_user_name_with_surrounding_spaces_are_the_same_destination() {
    let form = FormBuilder::valid()
        .no_password()
        .port(" 587 ")
        .user("  alerts ")
        .build();

    let settings = valid(&form, Some(&stored_with_password()));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[cfg(feature = "idna")]
#[test]
fn unicode_server_name_and_its_punycode_are_the_same_destination() {
    let mut stored = stored_with_password();
    stored.destination.server = ServerName::Domain("xn--bcher-kva.example".to_owned());
    let form = FormBuilder::valid()
        .no_password()
        .server("bücher.example")
        .build();

    let settings = valid(&form, Some(&stored));

    assert_eq!(settings.password, PasswordPlan::Keep);
}

// ---------------------------------------------------------------------------------------------
// drops_stored_password
// ---------------------------------------------------------------------------------------------

#[test]
fn nothing_is_dropped_when_nothing_is_stored() {
    let form = FormBuilder::valid()
        .no_password()
        .server("relay.example.org")
        .build();

    let drops = form.drops_stored_password(None);

    assert!(!drops);
}

#[test]
fn nothing_is_dropped_when_the_stored_settings_have_no_password() {
    let stored = StoredSmtp {
        password_stored: false,
        ..stored_with_password()
    };
    let form = FormBuilder::valid()
        .no_password()
        .server("relay.example.org")
        .build();

    let drops = form.drops_stored_password(Some(&stored));

    assert!(!drops);
}

#[test]
fn nothing_is_dropped_when_the_destination_is_unchanged() {
    let form = FormBuilder::valid()
        .no_password()
        .from("noc@example.org")
        .timeout("90")
        .build();

    let drops = form.drops_stored_password(Some(&stored_with_password()));

    assert!(!drops);
}

#[test]
fn changing_any_part_of_the_destination_drops_the_stored_password() {
    let changes = [
        (
            "server",
            FormBuilder::valid()
                .no_password()
                .server("relay.example.org")
                .build(),
        ),
        (
            "port",
            FormBuilder::valid().no_password().port("465").build(),
        ),
        (
            "security",
            FormBuilder::valid()
                .no_password()
                .security(ConnectionSecurity::Ssl)
                .build(),
        ),
        (
            "user name",
            FormBuilder::valid().no_password().user("other").build(),
        ),
        (
            "user name cleared",
            FormBuilder::valid().anonymous().build(),
        ),
    ];

    for (what, form) in changes {
        let drops = form.drops_stored_password(Some(&stored_with_password()));

        assert!(drops, "changing the {what} should drop the stored password");
    }
}

#[test]
fn nothing_is_dropped_when_a_new_password_is_typed() {
    let form = FormBuilder::valid().server("relay.example.org").build();

    let drops = form.drops_stored_password(Some(&stored_with_password()));

    assert!(!drops);
}

#[test]
fn nothing_is_dropped_unexpectedly_when_removal_is_asked_for() {
    let form = FormBuilder::valid().anonymous().remove_stored().build();

    let drops = form.drops_stored_password(Some(&stored_with_password()));

    assert!(!drops);
}

#[test]
fn equivalent_spellings_of_the_destination_do_not_drop_the_stored_password() {
    let mut stored = stored_with_password();
    stored.destination.server = ServerName::parse("[2001:db8::25]").unwrap();
    let bare_ipv6 = FormBuilder::valid()
        .no_password()
        .server("2001:db8::25")
        .build();
    let upper_case = FormBuilder::valid()
        .no_password()
        .server("SMTP.example.net")
        .build();

    let ipv6_drops = bare_ipv6.drops_stored_password(Some(&stored));
    let case_drops = upper_case.drops_stored_password(Some(&stored_with_password()));

    assert!(!ipv6_drops);
    assert!(!case_drops);
}

#[test]
fn drops_stored_password_agrees_with_the_plan_validation_makes() {
    let stored = stored_with_password();
    let forms = [
        FormBuilder::valid().no_password().build(),
        FormBuilder::valid()
            .no_password()
            .from("noc@example.org")
            .build(),
        FormBuilder::valid().anonymous().build(),
        FormBuilder::valid()
            .anonymous()
            .server("relay.example.org")
            .build(),
        FormBuilder::valid().anonymous().port("2525").build(),
        FormBuilder::valid()
            .anonymous()
            .security(ConnectionSecurity::Ssl)
            .build(),
    ];

    for form in forms {
        let drops = form.drops_stored_password(Some(&stored));
        let plan = valid(&form, Some(&stored)).password;

        assert_eq!(
            drops,
            plan == PasswordPlan::Clear,
            "{form:?} planned {plan:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Several errors at once
// ---------------------------------------------------------------------------------------------

#[test]
fn several_bad_fields_are_reported_at_once_each_beside_its_own_field() {
    let form = FormBuilder::valid()
        .server("smtp..example.net")
        .port("0")
        .timeout("x")
        .user("ale\nrts")
        .from("not an address")
        .ca("garbage")
        .password_boxes(PASSWORD, "typo")
        .build();

    let errors = invalid(&form, None);

    assert_eq!(
        fields(&errors),
        vec![
            FieldId::ServerName,
            FieldId::Port,
            FieldId::Timeout,
            FieldId::UserName,
            FieldId::FromAddress,
            FieldId::CaCertificate,
            FieldId::PasswordConfirm,
        ]
    );
    assert!(
        errors
            .get(FieldId::ServerName)
            .unwrap()
            .contains("empty part")
    );
    assert!(errors.get(FieldId::Port).unwrap().contains("1 to 65535"));
    assert!(errors.get(FieldId::Timeout).unwrap().contains("1 to 300"));
    assert!(
        errors
            .get(FieldId::UserName)
            .unwrap()
            .contains("line break")
    );
    assert!(errors.get(FieldId::FromAddress).unwrap().contains("spaces"));
    assert!(
        errors
            .get(FieldId::CaCertificate)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    assert_eq!(
        errors.get(FieldId::PasswordConfirm),
        Some("The two passwords do not match")
    );
}

#[test]
fn password_and_user_name_problems_are_reported_together() {
    let form = FormBuilder::valid()
        .user("")
        .password_boxes("pass\tword", "")
        .build();

    let errors = invalid(&form, None);

    assert_eq!(
        fields(&errors),
        vec![
            FieldId::Password,
            FieldId::PasswordConfirm,
            FieldId::UserName
        ]
    );
    assert_eq!(
        errors.get(FieldId::Password),
        Some("The password cannot contain a tab")
    );
}

#[test]
fn errors_read_as_label_and_message_pairs() {
    let form = FormBuilder::valid().port("").timeout("").build();

    let errors = invalid(&form, None);

    assert_eq!(
        errors.to_string(),
        "Port: Enter a port (25 is the default); Connection timeout: Enter a timeout in seconds \
         (30 is the default)"
    );
}

// ---------------------------------------------------------------------------------------------
// CA certificate
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_ca_certificate_box_means_no_extra_ca() {
    for ca in ["", "  \n\t "] {
        let form = FormBuilder::valid().ca(ca).build();

        let settings = valid(&form, None);

        assert_eq!(settings.ca_certificate, None, "ca {ca:?}");
    }
}

#[test]
fn ca_certificate_is_stored_trimmed_with_one_final_line_break() {
    let form = FormBuilder::valid()
        .ca(&format!("\n\n  {CERTIFICATE}\n\n"))
        .build();

    let settings = valid(&form, None);

    assert_eq!(settings.ca_certificate.as_deref(), Some(CERTIFICATE));
}

#[test]
fn ca_certificate_chain_with_windows_line_endings_is_accepted() {
    let chain = format!("{CERTIFICATE}\n{CERTIFICATE}").replace('\n', "\r\n");
    let form = FormBuilder::valid().ca(&chain).build();

    let settings = valid(&form, None);

    assert!(settings.ca_certificate.is_some());
}

#[test]
fn garbage_in_the_ca_certificate_box_is_rejected_beside_it() {
    let form = FormBuilder::valid().ca("garbage").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::CaCertificate, &errors),
        "Paste PEM text starting with -----BEGIN CERTIFICATE-----"
    );
}

#[test]
fn private_key_in_the_ca_certificate_box_is_rejected() {
    let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let form = FormBuilder::valid().ca(key).build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::CaCertificate, &errors).contains("private key"));
}

#[test]
fn certificate_without_an_end_line_is_rejected() {
    let form = FormBuilder::valid()
        .ca("-----BEGIN CERTIFICATE-----\nAAAA\n")
        .build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::CaCertificate, &errors).contains("END CERTIFICATE"));
}

// ---------------------------------------------------------------------------------------------
// From address
// ---------------------------------------------------------------------------------------------

#[test]
fn from_address_with_a_display_name_is_accepted() {
    let form = FormBuilder::valid()
        .from("Policy Manager <pm@Example.NET>")
        .build();

    let settings = valid(&form, None);

    assert_eq!(
        settings.from.display_name.as_deref(),
        Some("Policy Manager")
    );
    assert_eq!(settings.from.address(), "pm@example.net");
}

#[test]
fn from_address_with_a_quoted_display_name_is_accepted() {
    let form = FormBuilder::valid()
        .from(r#""Doe, Jane" <jane@example.net>"#)
        .build();

    let settings = valid(&form, None);

    assert_eq!(settings.from.display_name.as_deref(), Some("Doe, Jane"));
}

/// RFC 5322: a display name is a phrase of words, each an atom or a quoted string, so
/// `"Jane" "Doe"` is the two words Jane and Doe.
#[test]
fn from_display_name_made_of_two_quoted_words_reads_as_those_two_words() {
    let form = FormBuilder::valid()
        .from(r#""Jane" "Doe" <jane@example.net>"#)
        .build();

    let settings = valid(&form, None);

    assert_eq!(settings.from.display_name.as_deref(), Some("Jane Doe"));
}

#[test]
fn bare_from_address_is_accepted() {
    let form = FormBuilder::valid().from("alerts@example.net").build();

    let settings = valid(&form, None);

    assert_eq!(settings.from.display_name, None);
    assert_eq!(settings.from.to_string(), "alerts@example.net");
}

#[test]
fn empty_from_address_is_required() {
    let form = FormBuilder::valid().from("").build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::FromAddress, &errors),
        "Enter an email address"
    );
}

#[test]
fn two_from_addresses_are_rejected() {
    let form = FormBuilder::valid()
        .from("a@example.net, b@example.net")
        .build();

    let errors = invalid(&form, None);

    assert_eq!(
        only_error_on(FieldId::FromAddress, &errors),
        "Enter exactly one address"
    );
}

#[test]
fn header_injected_into_the_from_address_is_rejected() {
    let form = FormBuilder::valid()
        .from("alerts@example.net\r\nBcc: victim@example.org")
        .build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::FromAddress, &errors).contains("carriage return"));
}

#[test]
fn line_break_in_the_from_display_name_is_rejected() {
    let form = FormBuilder::valid()
        .from("Alerts\nBcc: victim@example.org <a@example.net>")
        .build();

    let errors = invalid(&form, None);

    assert!(only_error_on(FieldId::FromAddress, &errors).contains("line break"));
}

// ---------------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------------

fn warnings_for(port: &str, security: ConnectionSecurity) -> Vec<(FieldId, String)> {
    FormBuilder::valid()
        .port(port)
        .security(security)
        .build()
        .warnings()
}

fn warned_fields(warnings: &[(FieldId, String)]) -> Vec<FieldId> {
    warnings.iter().map(|(field, _)| *field).collect()
}

#[test]
fn port_465_with_no_security_warns_beside_the_port() {
    let warnings = warnings_for("465", ConnectionSecurity::None);

    assert_eq!(
        warned_fields(&warnings),
        vec![FieldId::Port, FieldId::Security]
    );
    assert!(
        warnings[0].1.starts_with("Port 465 normally expects SSL"),
        "{}",
        warnings[0].1
    );
}

#[test]
fn port_465_with_start_tls_warns_beside_the_port() {
    let warnings = warnings_for("465", ConnectionSecurity::StartTls);

    assert_eq!(warned_fields(&warnings), vec![FieldId::Port]);
    assert!(warnings[0].1.contains("choose SSL"));
}

#[test]
fn port_587_with_ssl_warns_beside_the_port() {
    let warnings = warnings_for("587", ConnectionSecurity::Ssl);

    assert_eq!(
        warnings,
        vec![(
            FieldId::Port,
            "Port 587 normally speaks plain SMTP first; choose Start TLS (or None), or use port \
             465 for SSL"
                .to_owned()
        )]
    );
}

#[test]
fn port_25_with_ssl_warns_beside_the_port() {
    let warnings = warnings_for("25", ConnectionSecurity::Ssl);

    assert_eq!(warned_fields(&warnings), vec![FieldId::Port]);
    assert!(
        warnings[0]
            .1
            .starts_with("Port 25 normally speaks plain SMTP first")
    );
}

#[test]
fn port_465_with_ssl_does_not_warn() {
    let warnings = warnings_for("465", ConnectionSecurity::Ssl);

    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn port_587_with_start_tls_does_not_warn() {
    let warnings = warnings_for("587", ConnectionSecurity::StartTls);

    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn port_security_warning_flags_only_the_usual_mismatches() {
    use ConnectionSecurity::{None as Plain, Ssl, StartTls};
    let pairs = [
        (465, Plain, true),
        (465, StartTls, true),
        (465, Ssl, false),
        (587, Ssl, true),
        (587, StartTls, false),
        (587, Plain, false),
        (25, Ssl, true),
        (25, Plain, false),
        (25, StartTls, false),
        (2525, Ssl, false),
        (2525, Plain, false),
    ];

    for (port, security, expected) in pairs {
        let warning = port_security_warning(port, security);

        assert_eq!(
            warning.is_some(),
            expected,
            "port {port} with {security}: {warning:?}"
        );
    }
}

#[test]
fn no_security_with_a_user_name_warns_beside_the_security_choice() {
    let form = FormBuilder::valid()
        .port("25")
        .security(ConnectionSecurity::None)
        .build();

    let warnings = form.warnings();

    assert_eq!(
        warnings,
        vec![(
            FieldId::Security,
            "With None, the user name and password cross the network unencrypted".to_owned()
        )]
    );
}

#[test]
fn no_security_without_a_user_name_does_not_warn() {
    let form = FormBuilder::valid()
        .user("   ")
        .no_password()
        .port("25")
        .security(ConnectionSecurity::None)
        .build();

    let warnings = form.warnings();

    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn encrypted_connection_with_a_user_name_does_not_warn_about_security() {
    for security in [ConnectionSecurity::Ssl, ConnectionSecurity::StartTls] {
        let form = FormBuilder::valid().port("2525").security(security).build();

        let warnings = form.warnings();

        assert!(warnings.is_empty(), "{security}: {warnings:?}");
    }
}

#[test]
fn unreadable_port_gives_no_port_warning() {
    let warnings = warnings_for("abc", ConnectionSecurity::StartTls);

    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn port_with_surrounding_spaces_is_still_checked_against_the_security() {
    let warnings = warnings_for(" 465 ", ConnectionSecurity::StartTls);

    assert_eq!(warned_fields(&warnings), vec![FieldId::Port]);
}

#[test]
fn warnings_do_not_block_saving() {
    let form = FormBuilder::valid()
        .port("465")
        .security(ConnectionSecurity::None)
        .build();

    let settings = valid(&form, None);

    assert_eq!(
        (settings.port, settings.security),
        (465, ConnectionSecurity::None)
    );
}

// ---------------------------------------------------------------------------------------------
// Stored settings back into the form
// ---------------------------------------------------------------------------------------------

#[test]
fn stored_settings_fill_the_form_with_the_password_boxes_empty() {
    let view = stored_view();

    let form = view.to_form();

    assert_eq!(form.server_name, SERVER);
    assert_eq!(form.port, "587");
    assert_eq!(form.security, ConnectionSecurity::StartTls);
    assert_eq!(form.user_name, USER);
    assert_eq!(form.password, PasswordInput::default());
    assert_eq!(form.from_address, r#""Alerts" <alerts@example.net>"#);
    assert_eq!(form.timeout_secs, "45");
    assert_eq!(form.ca_certificate, CERTIFICATE);
}

#[test]
fn stored_settings_without_user_name_or_ca_show_empty_boxes() {
    let view = SmtpSettingsView {
        user_name: None,
        password_stored: false,
        ca_certificate: None,
        ..stored_view()
    };

    let form = view.to_form();

    assert_eq!(form.user_name, "");
    assert_eq!(form.ca_certificate, "");
}

#[test]
fn stored_ipv6_server_is_shown_in_brackets() {
    let view = SmtpSettingsView {
        server: ServerName::parse("2001:db8::25").unwrap(),
        ..stored_view()
    };

    let form = view.to_form();

    assert_eq!(form.server_name, "[2001:db8::25]");
}

#[test]
fn stored_describes_the_destination_and_whether_a_password_is_stored() {
    let view = stored_view();

    let stored = view.stored();

    let mut expected = stored_with_password();
    expected.destination.ca_certificate = view.ca_certificate.clone();
    assert_eq!(stored, expected);
}

#[test]
fn saving_the_stored_settings_unchanged_keeps_the_stored_password() {
    let view = stored_view();
    let form = view.to_form();

    let settings = valid(&form, Some(&view.stored()));

    assert_eq!(settings.password, PasswordPlan::Keep);
    assert_eq!(settings.destination(), view.stored().destination);
    assert_eq!(settings.from, view.from);
    assert_eq!(settings.timeout_secs, view.timeout_secs);
    assert_eq!(settings.ca_certificate, view.ca_certificate);
}

#[test]
fn untouched_form_from_stored_settings_does_not_drop_the_password() {
    let view = stored_view();
    let form = view.to_form();

    let drops = form.drops_stored_password(Some(&view.stored()));

    assert!(!drops);
}

#[test]
fn stored_ipv6_settings_round_trip_and_keep_the_password() {
    let view = SmtpSettingsView {
        server: ServerName::parse("2001:db8::25").unwrap(),
        ..stored_view()
    };
    let form = view.to_form();

    let settings = valid(&form, Some(&view.stored()));

    assert_eq!(settings.server, view.server);
    assert_eq!(settings.password, PasswordPlan::Keep);
}

#[test]
fn stored_quoted_display_name_round_trips() {
    let mut view = stored_view();
    view.from = Mailbox::parse(r#""Doe, \"JD\" Jane" <jane@example.net>"#).unwrap();
    let form = view.to_form();

    let settings = valid(&form, Some(&view.stored()));

    assert_eq!(settings.from, view.from);
}

#[test]
fn stored_settings_without_authentication_round_trip() {
    let view = SmtpSettingsView {
        user_name: None,
        password_stored: false,
        ..stored_view()
    };
    let form = view.to_form();

    let settings = valid(&form, Some(&view.stored()));

    assert_eq!(settings.user_name, None);
    assert_eq!(settings.password, PasswordPlan::Clear);
}

// ---------------------------------------------------------------------------------------------
// The password never shows
// ---------------------------------------------------------------------------------------------

const SECRET: &str = "Tr0ub4dor&3-never-print-me";

#[test]
fn debug_output_of_the_form_never_shows_the_password() {
    let form = FormBuilder::valid().password(SECRET).build();

    let debug = format!("{form:?}");
    let pretty = format!("{form:#?}");

    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!pretty.contains(SECRET), "{pretty}");
    assert!(debug.contains("redacted"), "{debug}");
}

#[test]
fn debug_output_of_a_half_typed_form_never_shows_either_box() {
    let form = FormBuilder::valid()
        .password_boxes(SECRET, "Tr0ub4dor&3-typo")
        .build();

    let debug = format!("{form:?}");

    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!debug.contains("Tr0ub4dor"), "{debug}");
}

#[test]
fn debug_output_of_the_settings_never_shows_the_password() {
    let settings = valid(&FormBuilder::valid().password(SECRET).build(), None);

    let debug = format!("{settings:?}");
    let pretty = format!("{settings:#?}");

    assert!(is_replace_with(&settings.password, SECRET));
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!pretty.contains(SECRET), "{pretty}");
}

#[test]
fn errors_never_show_the_password() {
    let password = format!("{SECRET}\n");
    let form = FormBuilder::valid()
        .user("")
        .password_boxes(&password, SECRET)
        .build();

    let errors = invalid(&form, None);

    assert!(!errors.to_string().contains(SECRET), "{errors}");
    assert!(!format!("{errors:?}").contains(SECRET), "{errors:?}");
}

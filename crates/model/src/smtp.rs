//! The SMTP Server form: what the admin types, the rules it must pass, and the validated
//! settings the server stores and sends with.

use crate::field::{FieldErrors, FieldId};
use crate::host::ServerName;
use crate::mailbox::Mailbox;
use crate::pem;
use crate::secret::SecretText;
use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// Port used when the admin does not choose one.
pub const DEFAULT_PORT: u16 = 25;
/// Seconds each stage of a send may take when the admin does not choose.
pub const DEFAULT_TIMEOUT_SECS: u32 = 30;
/// Accepted connection timeouts, in seconds.
pub const TIMEOUT_RANGE_SECS: RangeInclusive<u32> = 1..=300;
/// Longest accepted user name, in characters.
pub const MAX_USER_NAME_CHARS: usize = 256;
/// Longest accepted password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionSecurity {
    /// Plain SMTP. STARTTLS is never attempted, even when offered.
    #[default]
    None,
    /// TLS from the first byte (often called SMTPS, usually port 465).
    Ssl,
    /// Plain connection upgraded with STARTTLS before anything else is sent (usually port 587).
    /// Sending fails if the server does not offer STARTTLS.
    #[serde(rename = "starttls")]
    StartTls,
}

impl ConnectionSecurity {
    /// Every choice, in the order the page lists them.
    pub const ALL: [ConnectionSecurity; 3] = [
        ConnectionSecurity::None,
        ConnectionSecurity::Ssl,
        ConnectionSecurity::StartTls,
    ];

    /// The label the page shows.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionSecurity::None => "None",
            ConnectionSecurity::Ssl => "SSL",
            ConnectionSecurity::StartTls => "Start TLS",
        }
    }

    /// A stable identifier for forms and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionSecurity::None => "none",
            ConnectionSecurity::Ssl => "ssl",
            ConnectionSecurity::StartTls => "starttls",
        }
    }

    /// The inverse of [`ConnectionSecurity::as_str`].
    pub fn from_id(id: &str) -> Option<ConnectionSecurity> {
        Self::ALL.into_iter().find(|choice| choice.as_str() == id)
    }

    /// True when the connection is encrypted before credentials are sent.
    pub fn is_encrypted(self) -> bool {
        self != ConnectionSecurity::None
    }
}

impl fmt::Display for ConnectionSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The two password boxes and the "remove the stored password" choice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordInput {
    /// A new password, or empty to keep the stored one.
    pub new_password: SecretText,
    /// The same password typed again.
    pub confirm: SecretText,
    /// Remove the stored password without setting a new one.
    pub remove_stored: bool,
}

/// The SMTP Server form exactly as typed: the browser checks it live and the server checks it
/// again before storing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmtpForm {
    /// Server name: FQDN, IPv4 or IPv6 address.
    pub server_name: String,
    /// TCP port, as typed.
    pub port: String,
    /// None, SSL or Start TLS.
    pub security: ConnectionSecurity,
    /// User name for SMTP authentication; empty for none.
    pub user_name: String,
    /// Password boxes.
    pub password: PasswordInput,
    /// Default From address, optionally with a display name.
    pub from_address: String,
    /// Connection timeout in seconds, as typed.
    pub timeout_secs: String,
    /// PEM of a CA to trust for this server, in addition to the public roots.
    pub ca_certificate: String,
}

impl Default for SmtpForm {
    fn default() -> Self {
        SmtpForm {
            server_name: String::new(),
            port: DEFAULT_PORT.to_string(),
            security: ConnectionSecurity::None,
            user_name: String::new(),
            password: PasswordInput::default(),
            from_address: String::new(),
            timeout_secs: DEFAULT_TIMEOUT_SECS.to_string(),
            ca_certificate: String::new(),
        }
    }
}

/// Where a stored password may be used. A password never follows a changed destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// The server's name or address.
    pub server: ServerName,
    /// Its TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: ConnectionSecurity,
    /// The user the password belongs to.
    pub user_name: Option<String>,
    /// The extra CA trusted for the server: a new trust anchor could vouch for an impostor.
    pub ca_certificate: Option<String>,
}

/// What is stored now, as far as validating a new form needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSmtp {
    /// The destination the stored password belongs to.
    pub destination: Destination,
    /// True when a password is stored.
    pub password_stored: bool,
}

/// What saving does with the password.
#[derive(Clone, Debug, PartialEq)]
pub enum PasswordPlan {
    /// Keep the stored password (same destination, boxes left empty).
    Keep,
    /// Store this new password.
    Replace(SecretText),
    /// Store no password: removed on request, never set, or dropped because the destination
    /// changed.
    Clear,
}

/// A form that passed every rule.
#[derive(Clone, Debug, PartialEq)]
pub struct SmtpSettings {
    /// The server's name or address.
    pub server: ServerName,
    /// TCP port.
    pub port: u16,
    /// None, SSL or Start TLS.
    pub security: ConnectionSecurity,
    /// User name for authentication, if any.
    pub user_name: Option<String>,
    /// What to do with the password.
    pub password: PasswordPlan,
    /// Default From mailbox.
    pub from: Mailbox,
    /// Seconds each stage of a send may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s) to trust, as PEM.
    pub ca_certificate: Option<String>,
}

impl SmtpSettings {
    /// The destination these settings point at.
    pub fn destination(&self) -> Destination {
        Destination {
            server: self.server.clone(),
            port: self.port,
            security: self.security,
            user_name: self.user_name.clone(),
            ca_certificate: self.ca_certificate.clone(),
        }
    }
}

/// Stored settings as the page receives them. There is deliberately no password here, no mask
/// of it and no length: only whether one is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SmtpSettingsView {
    /// The server's name or address.
    pub server: ServerName,
    /// TCP port.
    pub port: u16,
    /// None, SSL or Start TLS.
    pub security: ConnectionSecurity,
    /// User name, if any.
    pub user_name: Option<String>,
    /// True when a password is stored.
    pub password_stored: bool,
    /// Default From mailbox.
    pub from: Mailbox,
    /// Seconds each stage of a send may take.
    pub timeout_secs: u32,
    /// Extra CA certificate(s), as PEM.
    pub ca_certificate: Option<String>,
    /// When the settings were last saved (RFC 3339, UTC).
    pub updated_at: String,
}

impl SmtpSettingsView {
    /// The form showing these settings, password boxes empty.
    pub fn to_form(&self) -> SmtpForm {
        SmtpForm {
            server_name: self.server.to_string(),
            port: self.port.to_string(),
            security: self.security,
            user_name: self.user_name.clone().unwrap_or_default(),
            password: PasswordInput::default(),
            from_address: self.from.to_string(),
            timeout_secs: self.timeout_secs.to_string(),
            ca_certificate: self.ca_certificate.clone().unwrap_or_default(),
        }
    }

    /// What validation of a new form needs to know about these settings.
    pub fn stored(&self) -> StoredSmtp {
        StoredSmtp {
            destination: Destination {
                server: self.server.clone(),
                port: self.port,
                security: self.security,
                user_name: self.user_name.clone(),
                ca_certificate: self.ca_certificate.clone(),
            },
            password_stored: self.password_stored,
        }
    }
}

impl SmtpForm {
    /// Checks every rule. `stored` describes what is saved now, so the password rules can tell
    /// whether the stored password may be kept.
    pub fn validate(&self, stored: Option<&StoredSmtp>) -> Result<SmtpSettings, FieldErrors> {
        let mut errors = FieldErrors::new();

        let server = ServerName::parse(&self.server_name)
            .map_err(|message| errors.add(FieldId::ServerName, message))
            .ok();
        let port = parse_port(&self.port)
            .map_err(|m| errors.add(FieldId::Port, m))
            .ok();
        let timeout_secs = parse_timeout(&self.timeout_secs)
            .map_err(|m| errors.add(FieldId::Timeout, m))
            .ok();
        let user_name = parse_user_name(&self.user_name)
            .map_err(|m| errors.add(FieldId::UserName, m))
            .ok();
        let from = Mailbox::parse(&self.from_address)
            .map_err(|message| errors.add(FieldId::FromAddress, message))
            .ok();
        let ca_certificate = parse_ca(&self.ca_certificate)
            .map_err(|message| errors.add(FieldId::CaCertificate, message))
            .ok();
        let mut password_plan = None;

        check_password_boxes(&self.password, &mut errors);
        // Whether the destination changed can only be told once server, port and user parse;
        // until then the password rules wait, rather than blame a typo elsewhere on them.
        if let (Some(server), Some(port), Some(user_name), Some(ca_certificate)) =
            (&server, port, &user_name, &ca_certificate)
        {
            let typed = Destination {
                server: server.clone(),
                port,
                security: self.security,
                user_name: user_name.clone(),
                ca_certificate: ca_certificate.clone(),
            };
            let destination_changed = stored.is_none_or(|s| s.destination != typed);
            let password_stored = stored.is_some_and(|s| s.password_stored);
            let plan = plan_password(&self.password, password_stored, destination_changed);
            let dropped = password_stored && destination_changed && !self.password.remove_stored;
            let removing = self.password.remove_stored;
            check_password_against_user(
                user_name.as_deref(),
                &plan,
                removing,
                dropped,
                &mut errors,
            );
            password_plan = Some(plan);
        }

        let parsed = (
            server,
            port,
            timeout_secs,
            user_name,
            from,
            ca_certificate,
            password_plan,
        );
        match parsed {
            (
                Some(server),
                Some(port),
                Some(timeout_secs),
                Some(user_name),
                Some(from),
                Some(ca),
                Some(plan),
            ) if errors.is_empty() => Ok(SmtpSettings {
                server,
                port,
                security: self.security,
                user_name,
                password: plan,
                from,
                timeout_secs,
                ca_certificate: ca,
            }),
            _ => Err(errors),
        }
    }

    /// True when a stored password exists, the boxes are empty, and the server, port, security,
    /// user name or trusted CA typed differ from the stored ones: saving would drop the password.
    pub fn drops_stored_password(&self, stored: Option<&StoredSmtp>) -> bool {
        let Some(stored) = stored.filter(|s| s.password_stored) else {
            return false;
        };
        if !self.password.new_password.is_empty() || self.password.remove_stored {
            return false;
        }
        let typed = (
            ServerName::parse(&self.server_name),
            parse_port(&self.port),
            parse_user_name(&self.user_name),
            parse_ca(&self.ca_certificate),
        );
        match typed {
            (Ok(server), Ok(port), Ok(user_name), Ok(ca_certificate)) => {
                let security = self.security;
                Destination {
                    server,
                    port,
                    security,
                    user_name,
                    ca_certificate,
                } != stored.destination
            }
            // A half-typed field says nothing yet about where the password would go.
            _ => false,
        }
    }

    /// Advice that does not block saving: likely port/security mismatches and passwords sent
    /// in clear.
    pub fn warnings(&self) -> Vec<(FieldId, String)> {
        let mut warnings = Vec::new();
        if let Ok(port) = parse_port(&self.port)
            && let Some(warning) = port_security_warning(port, self.security)
        {
            warnings.push((FieldId::Port, warning));
        }
        if self.security == ConnectionSecurity::None && !self.user_name.trim().is_empty() {
            warnings.push((
                FieldId::Security,
                "With None, the user name and password cross the network unencrypted".to_owned(),
            ));
        }
        warnings
    }
}

/// Advice for the usual port and security mismatches, or `None` when the pair looks right.
pub fn port_security_warning(port: u16, security: ConnectionSecurity) -> Option<String> {
    match (port, security) {
        (465, ConnectionSecurity::None | ConnectionSecurity::StartTls) => Some(
            "Port 465 normally expects SSL (TLS from the first byte); choose SSL unless this \
             server is set up differently"
                .to_owned(),
        ),
        (587 | 25, ConnectionSecurity::Ssl) => Some(format!(
            "Port {port} normally speaks plain SMTP first; choose Start TLS (or None), or use \
             port 465 for SSL"
        )),
        _ => None,
    }
}

fn parse_port(input: &str) -> Result<u16, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(format!("Enter a port ({DEFAULT_PORT} is the default)"));
    }
    match parse_whole_number(trimmed) {
        Some(port @ 1..=65535) => Ok(port as u16),
        _ => Err("The port must be a whole number from 1 to 65535".to_owned()),
    }
}

pub(crate) fn parse_timeout(input: &str) -> Result<u32, String> {
    let trimmed = input.trim();
    let (min, max) = (*TIMEOUT_RANGE_SECS.start(), *TIMEOUT_RANGE_SECS.end());
    if trimmed.is_empty() {
        return Err(format!(
            "Enter a timeout in seconds ({DEFAULT_TIMEOUT_SECS} is the default)"
        ));
    }
    match parse_whole_number(trimmed) {
        Some(secs) if TIMEOUT_RANGE_SECS.contains(&secs) => Ok(secs),
        _ => Err(format!(
            "The timeout must be a whole number of seconds from {min} to {max}"
        )),
    }
}

/// Digits only: no sign, no spaces inside, no exponent.
pub(crate) fn parse_whole_number(input: &str) -> Option<u32> {
    if input.is_empty() || !input.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    input.parse().ok()
}

fn parse_user_name(input: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if let Some(found) = text::first_control_character(trimmed) {
        return Err(text::control_character_message(&found));
    }
    if trimmed.chars().count() > MAX_USER_NAME_CHARS {
        return Err(format!(
            "The user name may have at most {MAX_USER_NAME_CHARS} characters"
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

pub(crate) fn parse_ca(input: &str) -> Result<Option<String>, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    // Indented or padded lines (pasted from a mail or a web page) are normal PEM once trimmed.
    let normalised: Vec<&str> = trimmed
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let normalised = format!("{}\n", normalised.join("\n"));
    pem::check_certificates(&normalised)?;
    Ok(Some(normalised))
}

fn check_password_boxes(input: &PasswordInput, errors: &mut FieldErrors) {
    let new_password = &input.new_password;
    if let Some(found) = text::first_control_character(new_password.expose()) {
        errors.add(
            FieldId::Password,
            format!("The password cannot contain {found}"),
        );
    } else if new_password.char_count() > MAX_PASSWORD_CHARS {
        errors.add(
            FieldId::Password,
            format!("The password may have at most {MAX_PASSWORD_CHARS} characters"),
        );
    }
    if new_password != &input.confirm {
        let message = if input.confirm.is_empty() {
            "Type the password again to verify it"
        } else {
            "The two passwords do not match"
        };
        errors.add(FieldId::PasswordConfirm, message);
    }
}

fn plan_password(input: &PasswordInput, stored: bool, destination_changed: bool) -> PasswordPlan {
    if !input.new_password.is_empty() {
        PasswordPlan::Replace(input.new_password.clone())
    } else if stored && !input.remove_stored && !destination_changed {
        PasswordPlan::Keep
    } else {
        PasswordPlan::Clear
    }
}

fn check_password_against_user(
    user_name: Option<&str>,
    plan: &PasswordPlan,
    removing: bool,
    dropped_for_new_destination: bool,
    errors: &mut FieldErrors,
) {
    match (user_name, plan) {
        (None, PasswordPlan::Replace(_)) => errors.add(
            FieldId::UserName,
            "Enter the user name this password belongs to, or leave both empty",
        ),
        (Some(_), PasswordPlan::Clear) if removing => errors.add(
            FieldId::Password,
            "Without a password this user cannot authenticate: to send without \
             authentication, clear the user name as well; to change the password, type the new one",
        ),
        (Some(_), PasswordPlan::Clear) if dropped_for_new_destination => errors.add(
            FieldId::Password,
            "The server, port, security, user name or trusted CA changed, so the stored password \
             will not be used for it: enter the password again (or clear the user name)",
        ),
        (Some(_), PasswordPlan::Clear) => errors.add(
            FieldId::Password,
            "Enter the password for this user name, or clear the user name to send without \
             authentication",
        ),
        _ => {}
    }
}

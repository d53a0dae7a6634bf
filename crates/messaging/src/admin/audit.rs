//! Audit log entries: who did what, when, from where, and with what result.

use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use sqlx::sqlite::SqliteRow;
use std::net::IpAddr;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// The first administrator was created through the setup link.
    FirstAdministrator,
    /// A sign-in (successful or not).
    SignIn,
    /// A sign-out.
    SignOut,
    /// An administrator was added.
    AdministratorAdded,
    /// An administrator changed their own password.
    PasswordChanged,
    /// SMTP settings saved.
    SmtpSaved,
    /// SMTP settings reset.
    SmtpReset,
    /// A test email.
    TestEmail,
    /// SMS gateway saved.
    SmsSaved,
    /// SMS gateway reset.
    SmsReset,
    /// A test SMS.
    TestSms,
}

impl AuditAction {
    /// The stored (and displayed) name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::FirstAdministrator => "first administrator",
            AuditAction::SignIn => "sign-in",
            AuditAction::SignOut => "sign-out",
            AuditAction::AdministratorAdded => "administrator added",
            AuditAction::PasswordChanged => "password changed",
            AuditAction::SmtpSaved => "SMTP settings saved",
            AuditAction::SmtpReset => "SMTP settings reset",
            AuditAction::TestEmail => "test email",
            AuditAction::SmsSaved => "SMS gateway saved",
            AuditAction::SmsReset => "SMS gateway reset",
            AuditAction::TestSms => "test SMS",
        }
    }
}

/// How it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditOutcome {
    /// Done.
    Succeeded,
    /// Tried and failed (a wrong password, a refused test message).
    Failed,
    /// Not attempted: throttled or rate-limited.
    Refused,
}

impl AuditOutcome {
    /// The stored (and displayed) name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Succeeded => "succeeded",
            AuditOutcome::Failed => "failed",
            AuditOutcome::Refused => "refused",
        }
    }
}

/// One changed field: old and new values for ordinary fields; for secrets only the words
/// "stored", "changed" or "removed", never a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's name as the page labels it.
    pub field: String,
    /// The value before (`None`: not set).
    pub old: Option<String>,
    /// The value after (`None`: not set).
    pub new: Option<String>,
}

/// An entry to append.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// The administrator (or, for a failed sign-in, the name that was tried).
    pub actor: String,
    /// Where the request came from.
    pub client: Option<IpAddr>,
    /// What was done.
    pub action: AuditAction,
    /// How it ended.
    pub outcome: AuditOutcome,
    /// One line for the log page, with personal data masked.
    pub summary: String,
    /// Field changes, for saves.
    pub changes: Vec<FieldChange>,
}

/// An entry as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    /// Row id (entries are shown newest first and paged by it).
    pub id: i64,
    /// When (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// Who.
    pub actor: String,
    /// From where.
    pub client: Option<String>,
    /// What.
    pub action: String,
    /// Result.
    pub outcome: String,
    /// One line.
    pub summary: String,
    /// Field changes.
    pub changes: Vec<FieldChange>,
}

impl AuditRecord {
    pub(super) fn from_row(row: SqliteRow) -> AuditRecord {
        let changes: String = row.get(7);
        AuditRecord {
            id: row.get(0),
            at: row.get(1),
            actor: row.get(2),
            client: row.get(3),
            action: row.get(4),
            outcome: row.get(5),
            summary: row.get(6),
            changes: serde_json::from_str(&changes).unwrap_or_default(),
        }
    }
}

/// The changes between two JSON forms of the same settings (their views), field by field;
/// nested objects are compared by dotted path. `hidden` paths, and everything under them
/// (secret inputs), are skipped; `summarised` ones (long text such as a CA certificate) are
/// shown as "(set)" → "(changed)" rather than quoted.
pub fn changes_between(
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
    hidden: &[&str],
    summarised: &[&str],
) -> Vec<FieldChange> {
    let mut old_fields = Vec::new();
    let mut new_fields = Vec::new();
    if let Some(old) = old {
        flatten("", old, &mut old_fields);
    }
    if let Some(new) = new {
        flatten("", new, &mut new_fields);
    }
    let mut paths: Vec<&String> = old_fields
        .iter()
        .chain(&new_fields)
        .map(|(p, _)| p)
        .collect();
    paths.sort();
    paths.dedup();
    let lookup = |fields: &[(String, Option<String>)], path: &str| {
        fields
            .iter()
            .find(|(p, _)| p == path)
            .and_then(|(_, value)| value.clone())
    };
    paths
        .into_iter()
        .filter(|path| {
            !hidden.iter().any(|hidden| {
                path.as_str() == *hidden
                    || path
                        .strip_prefix(hidden)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
        .filter_map(|path| {
            let (before, after) = (lookup(&old_fields, path), lookup(&new_fields, path));
            if before == after {
                return None;
            }
            let (before, after) = if summarised.contains(&path.as_str()) {
                (
                    before.map(|_| "(set)".to_owned()),
                    after.map(|_| "(changed)".to_owned()),
                )
            } else {
                (before, after)
            };
            Some(FieldChange {
                field: path.clone(),
                old: before,
                new: after,
            })
        })
        .collect()
}

fn flatten(prefix: &str, value: &serde_json::Value, into: &mut Vec<(String, Option<String>)>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, into);
            }
        }
        Value::Null => into.push((prefix.to_owned(), None)),
        Value::String(text) if text.is_empty() => into.push((prefix.to_owned(), None)),
        Value::String(text) => into.push((prefix.to_owned(), Some(text.clone()))),
        other => into.push((prefix.to_owned(), Some(other.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed_with_old_and_new_values() {
        let old = json!({"server": "mail.example.net", "port": 25, "user": null,
            "updated_at": "x", "ca": "PEM1"});
        let new = json!({"server": "relay.example.net", "port": 25, "user": "ops",
            "updated_at": "y", "ca": "PEM2"});

        let changes = changes_between(Some(&old), Some(&new), &["updated_at"], &["ca"]);

        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "ca".into(),
                    old: Some("(set)".into()),
                    new: Some("(changed)".into())
                },
                FieldChange {
                    field: "server".into(),
                    old: Some("mail.example.net".into()),
                    new: Some("relay.example.net".into())
                },
                FieldChange {
                    field: "user".into(),
                    old: None,
                    new: Some("ops".into())
                },
            ]
        );
    }

    #[test]
    fn nested_settings_are_compared_by_path_and_a_first_save_lists_every_field() {
        let new = json!({"gateway": {"kind": "kannel", "url": "http://127.0.0.1:13013"}});
        let changes = changes_between(None, Some(&new), &[], &[]);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["gateway.kind", "gateway.url"]);
    }
}

//! The sign-in, sign-out, setup, administrators and audit log routes, and what they share.
//! Every outcome that matters is written to the audit log; every refusal says what to do next.

mod administrators;
mod setup;
mod sign_in;

pub use administrators::{add_administrator, administrators_page, audit_page, change_password};
pub use setup::{create_first_administrator, setup_page};
pub use sign_in::{sign_in, sign_in_page, sign_out};

use super::html::{self, AdministratorsView, Banner, Problems};
use super::{Auth, cleared_cookie, error_chain, now, safe_next, session_cookie};
use axum::extract::{ConnectInfo, Extension, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use messaging::admin::{
    Added, AuditAction, AuditEntry, AuditOutcome, SessionToken, password, token_digest,
};
use messaging::{SignedIn, StoreError};
use model::admin::{PasswordBox, check_name, check_new_password};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// Audit entries shown per page.
const AUDIT_PAGE_SIZE: u32 = 100;

fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(html::POLICY),
    );
    response
}

fn unavailable(error: &(dyn std::error::Error + 'static)) -> Response {
    tracing::error!(error = %error_chain(error), "administration request failed");
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        html::setup_closed(
            "The console's database is not available; the server log has the cause.",
        ),
    )
}

async fn audit(auth: &Auth, entry: AuditEntry) {
    if let Err(error) = auth.store.record(&entry, now()).await {
        // Known shortcoming: the action itself is not undone when its audit entry cannot be
        // written; the failure is logged at ERROR so monitoring sees it.
        tracing::error!(error = %error_chain(&error), action = entry.action.as_str(), "audit entry not written");
    }
}

fn entry(
    actor: &str,
    client: Option<IpAddr>,
    action: AuditAction,
    outcome: AuditOutcome,
    summary: impl Into<String>,
) -> AuditEntry {
    AuditEntry {
        actor: printable(actor),
        client,
        action,
        outcome,
        summary: summary.into(),
        changes: Vec::new(),
    }
}

/// A wait in whole seconds, rounded up: waiting that long is always enough.
fn whole_seconds(wait: std::time::Duration) -> u64 {
    wait.as_millis().div_ceil(1000).max(1) as u64
}

/// `1` reads "1 second", `75` reads "75 seconds".
fn readable_seconds(seconds: u64) -> String {
    if seconds == 1 {
        "1 second".to_owned()
    } else {
        format!("{seconds} seconds")
    }
}

/// What the audit log and its page show of a name someone typed: control and invisible
/// formatting characters (line breaks, right-to-left overrides) written as escapes, so a
/// made-up name cannot disguise itself or another entry.
fn printable(name: &str) -> String {
    name.chars()
        .take(model::admin::NAME_MAX_CHARS)
        .map(|c| {
            let invisible = matches!(c,
                '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}');
            // Real names are ASCII: anything else (a look-alike letter, a control or
            // formatting character) is written as an escape, so it cannot pass for a real
            // administrator's name or disguise the entry.
            if !c.is_ascii() || c.is_control() || invisible {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn empty_secret() -> SecretString {
    SecretString::from("")
}

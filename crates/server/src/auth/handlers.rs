//! The sign-in, sign-out, setup, administrators and audit log routes. Every outcome that
//! matters is written to the audit log; every refusal says what to do next.

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

/// Query of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

/// `GET /login`.
pub async fn sign_in_page(
    State(auth): State<Auth>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref()).to_owned();
    match auth.session_of(&headers, Some(peer.ip())).await {
        Ok(Some(_)) => return Redirect::to(&next).into_response(),
        Ok(None) => {}
        Err(error) => return unavailable(&error),
    }
    let no_administrator = match auth.store.count().await {
        Ok(count) => count == 0,
        Err(error) => return unavailable(&error),
    };
    let banner = query
        .signed_out
        .map(|_| Banner::Success("You have signed out.".to_owned()));
    page(
        StatusCode::OK,
        html::sign_in(&next, String::new(), banner, no_administrator),
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default = "empty_secret")]
    password: SecretString,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: checks the throttle, then the password; on success starts a new session
/// (any session the browser presented is ended first, so the id always changes at sign-in).
pub async fn sign_in(
    State(auth): State<Auth>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let client = Some(peer.ip());
    // No account name is longer than NAME_MAX_CHARS: one character more keeps a longer name
    // from matching, and keeps what the throttle remembers small.
    let name: String = form
        .name
        .trim()
        .chars()
        .take(model::admin::NAME_MAX_CHARS + 1)
        .collect();
    let next = safe_next(form.next.as_deref()).to_owned();
    let account = match auth.store.find(&name).await {
        Ok(account) => account,
        Err(error) => return unavailable(&error),
    };
    let exists = account.is_some();
    if let Err(throttled) = auth
        .throttle
        .begin(&name, exists, peer.ip(), Instant::now())
    {
        let wait = readable_seconds(whole_seconds(throttled.wait));
        if throttled.first {
            let summary = format!("slowed after repeated failures; next try in {wait}");
            audit(
                &auth,
                entry(
                    &name,
                    client,
                    AuditAction::SignIn,
                    AuditOutcome::Refused,
                    summary,
                ),
            )
            .await;
        }
        let message = format!(
            "Too many failed sign-ins for this name or from this address. Try again in {wait}."
        );
        let mut response = page(
            StatusCode::TOO_MANY_REQUESTS,
            html::sign_in(&next, name, Some(Banner::Failure(message)), false),
        );
        if let Ok(value) = HeaderValue::from_str(&whole_seconds(throttled.wait).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let verified = password::verify(
        form.password,
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let Some(account) = account.filter(|_| verified) else {
        audit(
            &auth,
            entry(
                &name,
                client,
                AuditAction::SignIn,
                AuditOutcome::Failed,
                "wrong name or password",
            ),
        )
        .await;
        tracing::warn!(client = %peer.ip(), "failed sign-in");
        return page(
            StatusCode::UNAUTHORIZED,
            html::sign_in(
                &next,
                name,
                Some(Banner::Failure("Wrong name or password.".to_owned())),
                false,
            ),
        );
    };
    auth.throttle.succeeded(&name, peer.ip());
    match start_session(&auth, &headers, account.id).await {
        Ok(cookie) => {
            audit(
                &auth,
                entry(
                    &account.name,
                    client,
                    AuditAction::SignIn,
                    AuditOutcome::Succeeded,
                    "signed in",
                ),
            )
            .await;
            tracing::info!(administrator = %account.name, "signed in");
            redirect_with_cookie(&next, cookie)
        }
        Err(error) => unavailable(&error),
    }
}

async fn start_session(
    auth: &Auth,
    headers: &HeaderMap,
    id: i64,
) -> Result<HeaderValue, StoreError> {
    if let Some(presented) = session_cookie(headers) {
        auth.store.end_session(&token_digest(&presented)).await?;
    }
    // Expired sessions are refused anyway; sign-ins are a good moment to clear them out.
    auth.store.purge_expired(auth.lifetime, now()).await?;
    let token = SessionToken::generate();
    auth.store.start_session(&token, id, now()).await?;
    Ok(auth.session_cookie_header(&token, headers))
}

fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// `POST /logout`: ends the session on the server and clears the cookie.
pub async fn sign_out(
    State(auth): State<Auth>,
    Extension(signed_in): Extension<SignedIn>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = session_cookie(&headers)
        && let Err(error) = auth.store.end_session(&token_digest(&token)).await
    {
        return unavailable(&error);
    }
    audit(
        &auth,
        entry(
            &signed_in.name,
            signed_in.client,
            AuditAction::SignOut,
            AuditOutcome::Succeeded,
            "signed out",
        ),
    )
    .await;
    let mut response = Redirect::to("/login?signed_out=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cleared_cookie());
    response
}

/// Query of the setup link.
#[derive(Debug, Default, Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

const SETUP_USED: &str =
    "An administrator exists already, so this setup link no longer works. Sign in instead.";
const SETUP_WRONG: &str =
    "This setup link is not valid. Use the link the console printed at its latest start.";

/// `GET /setup?token=…`.
pub async fn setup_page(State(auth): State<Auth>, Query(query): Query<SetupQuery>) -> Response {
    match auth.store.count().await {
        Ok(0) => {}
        Ok(_) => return page(StatusCode::GONE, html::setup_closed(SETUP_USED)),
        Err(error) => return unavailable(&error),
    }
    if !auth.setup_token_matches(&query.token) {
        return page(StatusCode::FORBIDDEN, html::setup_closed(SETUP_WRONG));
    }
    page(
        StatusCode::OK,
        html::setup(query.token, String::new(), Problems::default()),
    )
}

/// The first-administrator form.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default = "empty_secret")]
    password: SecretString,
    #[serde(default = "empty_secret")]
    confirm: SecretString,
}

/// `POST /setup`: creates the first administrator and signs them in.
pub async fn create_first_administrator(
    State(auth): State<Auth>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    if !auth.setup_token_matches(&form.token) {
        let status_and_reason = match auth.store.count().await {
            Ok(0) => (StatusCode::FORBIDDEN, SETUP_WRONG),
            Ok(_) => (StatusCode::GONE, SETUP_USED),
            Err(error) => return unavailable(&error),
        };
        return page(status_and_reason.0, html::setup_closed(status_and_reason.1));
    }
    let (name, problems) = check_account(&form.name, &form.password, &form.confirm);
    let Some(name) = name.filter(|_| !problems.any()) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            html::setup(form.token, form.name.trim().to_owned(), problems),
        );
    };
    let hash = match password::hash(form.password).await {
        Ok(hash) => hash,
        Err(error) => return unavailable(&error),
    };
    match auth.store.create_first(&name, &hash, now()).await {
        Ok(Added::Created(id)) => {
            auth.close_setup();
            audit(
                &auth,
                entry(
                    &name,
                    Some(peer.ip()),
                    AuditAction::FirstAdministrator,
                    AuditOutcome::Succeeded,
                    "created through the setup link",
                ),
            )
            .await;
            tracing::info!(administrator = %name, "first administrator created");
            match start_session(&auth, &headers, id).await {
                Ok(cookie) => redirect_with_cookie("/messaging/smtp", cookie),
                Err(error) => unavailable(&error),
            }
        }
        Ok(_) => {
            auth.close_setup();
            page(StatusCode::GONE, html::setup_closed(SETUP_USED))
        }
        Err(error) => unavailable(&error),
    }
}

/// Checks a new account's name and password pair; the trimmed name when it is valid.
fn check_account(
    name: &str,
    password: &SecretString,
    confirm: &SecretString,
) -> (Option<String>, Problems) {
    let mut problems = Problems::default();
    let name = match check_name(name) {
        Ok(name) => Some(name),
        Err(message) => {
            problems.name = Some(message);
            None
        }
    };
    check_password_pair(
        password,
        confirm,
        name.as_deref().unwrap_or_default(),
        &mut problems,
    );
    (name, problems)
}

fn check_password_pair(
    password: &SecretString,
    confirm: &SecretString,
    name: &str,
    problems: &mut Problems,
) {
    if let Err((which, message)) =
        check_new_password(password.expose_secret(), confirm.expose_secret(), name)
    {
        match which {
            PasswordBox::New => problems.password = Some(message),
            PasswordBox::Confirm => problems.confirm = Some(message),
        }
    }
}

/// Query of the administrators page.
#[derive(Debug, Default, Deserialize)]
pub struct AdministratorsQuery {
    done: Option<String>,
}

/// `GET /admin/administrators`.
pub async fn administrators_page(
    State(auth): State<Auth>,
    Extension(signed_in): Extension<SignedIn>,
    Query(query): Query<AdministratorsQuery>,
) -> Response {
    let banner = match query.done.as_deref() {
        Some("added") => Some(Banner::Success("Administrator added.".to_owned())),
        Some("password") => Some(Banner::Success(
            "Your password was changed; your other sessions have ended.".to_owned(),
        )),
        _ => None,
    };
    administrators_view(
        &auth,
        signed_in.name,
        banner,
        String::new(),
        Problems::default(),
        Problems::default(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn administrators_view(
    auth: &Auth,
    me: String,
    banner: Option<Banner>,
    add_name: String,
    add: Problems,
    change: Problems,
    status: StatusCode,
) -> Response {
    match auth.store.list().await {
        Ok(accounts) => page(
            status,
            html::administrators(AdministratorsView {
                me,
                accounts,
                banner,
                add_name,
                add,
                change,
            }),
        ),
        Err(error) => unavailable(&error),
    }
}

/// The add-administrator form.
#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    name: String,
    /// The signed-in administrator's own password.
    #[serde(default = "empty_secret")]
    current: SecretString,
    #[serde(default = "empty_secret")]
    password: SecretString,
    #[serde(default = "empty_secret")]
    confirm: SecretString,
}

/// `POST /admin/administrators`.
pub async fn add_administrator(
    State(auth): State<Auth>,
    Extension(signed_in): Extension<SignedIn>,
    Form(form): Form<AddForm>,
) -> Response {
    let (name, mut problems) = check_account(&form.name, &form.password, &form.confirm);
    let typed = form.name.trim().to_owned();
    let failure = |problems| {
        administrators_view(
            &auth,
            signed_in.name.clone(),
            Some(Banner::Failure(
                "The administrator was not added: see the messages below.".to_owned(),
            )),
            typed.clone(),
            problems,
            Problems::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let Some(name) = name.filter(|_| !problems.any()) else {
        return failure(problems).await;
    };
    if let Err(problem) = confirm_own_password(
        &auth,
        &signed_in,
        form.current,
        AuditAction::AdministratorAdded,
    )
    .await
    {
        problems.current = Some(problem);
        return failure(problems).await;
    }
    let hash = match password::hash(form.password).await {
        Ok(hash) => hash,
        Err(error) => return unavailable(&error),
    };
    match auth.store.add(&name, &hash, &signed_in.name, now()).await {
        Ok(Added::Created(_)) => {
            audit(
                &auth,
                entry(
                    &signed_in.name,
                    signed_in.client,
                    AuditAction::AdministratorAdded,
                    AuditOutcome::Succeeded,
                    format!("added administrator {name}"),
                ),
            )
            .await;
            Redirect::to("/admin/administrators?done=added").into_response()
        }
        Ok(_) => {
            problems.name = Some(format!(
                "An administrator called '{name}' exists already (names ignore case)."
            ));
            failure(problems).await
        }
        Err(error) => unavailable(&error),
    }
}

/// Checks the signed-in administrator's own password before a sensitive change (a session
/// left open is not enough), throttled like a sign-in. `Err` holds the message for the box.
async fn confirm_own_password(
    auth: &Auth,
    signed_in: &SignedIn,
    current: SecretString,
    action: AuditAction,
) -> Result<(), String> {
    let client = signed_in
        .client
        .unwrap_or(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED));
    if let Err(throttled) = auth
        .throttle
        .begin(&signed_in.name, true, client, Instant::now())
    {
        return Err(format!(
            "Too many wrong passwords. Try again in {}.",
            readable_seconds(whole_seconds(throttled.wait))
        ));
    }
    let stored = match auth.store.find_by_id(signed_in.id).await {
        Ok(account) => account.map(|account| account.password_hash),
        Err(error) => {
            tracing::error!(error = %error_chain(&error), "administrator lookup failed");
            return Err("The console's database is not available; try again.".to_owned());
        }
    };
    if !password::verify(current, stored).await {
        audit(
            auth,
            entry(
                &signed_in.name,
                signed_in.client,
                action,
                AuditOutcome::Failed,
                "the administrator's own password was wrong",
            ),
        )
        .await;
        return Err("This is not your current password.".to_owned());
    }
    auth.throttle.succeeded(&signed_in.name, client);
    Ok(())
}

/// The change-own-password form.
#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default = "empty_secret")]
    current: SecretString,
    #[serde(default = "empty_secret")]
    password: SecretString,
    #[serde(default = "empty_secret")]
    confirm: SecretString,
}

/// `POST /admin/password`: needs the current password; ends the administrator's other
/// sessions. Wrong current passwords count as failed sign-ins.
pub async fn change_password(
    State(auth): State<Auth>,
    Extension(signed_in): Extension<SignedIn>,
    headers: HeaderMap,
    Form(form): Form<ChangePasswordForm>,
) -> Response {
    let mut problems = Problems::default();
    let refuse = |problems| {
        administrators_view(
            &auth,
            signed_in.name.clone(),
            Some(Banner::Failure(
                "The password was not changed: see the messages below.".to_owned(),
            )),
            String::new(),
            Problems::default(),
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if let Err(problem) = confirm_own_password(
        &auth,
        &signed_in,
        form.current,
        AuditAction::PasswordChanged,
    )
    .await
    {
        problems.current = Some(problem);
        return refuse(problems).await;
    }
    check_password_pair(
        &form.password,
        &form.confirm,
        &signed_in.name,
        &mut problems,
    );
    if problems.any() {
        return refuse(problems).await;
    }
    let hash = match password::hash(form.password).await {
        Ok(hash) => hash,
        Err(error) => return unavailable(&error),
    };
    let keep = session_cookie(&headers)
        .map(|token| token_digest(&token))
        .unwrap_or_default();
    if let Err(error) = auth
        .store
        .set_password(signed_in.id, &hash, &keep, now())
        .await
    {
        return unavailable(&error);
    }
    audit(
        &auth,
        entry(
            &signed_in.name,
            signed_in.client,
            AuditAction::PasswordChanged,
            AuditOutcome::Succeeded,
            "password changed; other sessions ended",
        ),
    )
    .await;
    Redirect::to("/admin/administrators?done=password").into_response()
}

/// Query of the audit log page.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
    /// `changes`: leave out sign-ins and sign-outs.
    show: Option<String>,
}

/// `GET /admin/audit`.
pub async fn audit_page(
    State(auth): State<Auth>,
    Extension(signed_in): Extension<SignedIn>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let changes_only = query.show.as_deref() == Some("changes");
    match auth
        .store
        .audit_log(query.before, AUDIT_PAGE_SIZE + 1, !changes_only)
        .await
    {
        Ok(mut records) => {
            let older = (records.len() > AUDIT_PAGE_SIZE as usize).then(|| {
                records.truncate(AUDIT_PAGE_SIZE as usize);
                records.last().map(|r| r.id)
            });
            let listing = html::AuditListing {
                records,
                older: older.flatten(),
                changes_only,
            };
            page(StatusCode::OK, html::audit_log(signed_in.name, listing))
        }
        Err(error) => unavailable(&error),
    }
}

//! The one-time setup link that creates the first administrator, and the account rules it
//! shares with adding one.

use super::sign_in::{redirect_with_cookie, start_session};
use super::*;

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
pub(super) fn check_account(
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

pub(super) fn check_password_pair(
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

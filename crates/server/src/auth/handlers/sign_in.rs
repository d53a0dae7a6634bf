//! Signing in (throttled, audited, always with a new session id) and out.

use super::*;

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

pub(super) async fn start_session(
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

pub(super) fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
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

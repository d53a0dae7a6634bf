//! The administrators page (list, add, change your own password) and the audit log page.

use super::setup::{check_account, check_password_pair};
use super::*;

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

//! The sign-in, setup, administrators and audit log pages: rendered on the server as plain
//! HTML forms, with no script (they need no interactivity, and the pages an attacker would
//! most like to script stay script-free). Text is escaped by Leptos' renderer.

use leptos::prelude::*;
use messaging::admin::{AccountSummary, AuditRecord};

/// Content-Security-Policy of these pages: nothing but this origin's stylesheet and icon.
pub const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A banner above a form.
pub enum Banner {
    /// Something worked.
    Success(String),
    /// Something did not.
    Failure(String),
}

/// The messages beside each box of an account form.
#[derive(Default)]
pub struct Problems {
    /// Beside the name.
    pub name: Option<String>,
    /// Beside the current password.
    pub current: Option<String>,
    /// Beside the (new) password.
    pub password: Option<String>,
    /// Beside its repetition.
    pub confirm: Option<String>,
}

impl Problems {
    /// Whether there is any.
    pub fn any(&self) -> bool {
        self.name.is_some()
            || self.current.is_some()
            || self.password.is_some()
            || self.confirm.is_some()
    }
}

fn document(title: &'static str, signed_in: Option<String>, main: impl IntoView) -> String {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{format!("{title} · Policy Manager")}</title>
                <link rel="stylesheet" href="/pkg/console.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
            </head>
            <body>
                <header class="topbar">
                    <span class="product">"Policy Manager"</span>
                    <span class="console-name">"Administration console"</span>
                    {signed_in.map(|name| view! {
                        <nav class="account" aria-label="Account">
                            <a href="/messaging/smtp">"Messaging"</a>
                            <a href="/admin/administrators">"Administrators"</a>
                            <a href="/admin/audit">"Audit log"</a>
                            <span class="who">"Signed in as "<strong>{name}</strong></span>
                            <form method="post" action="/logout" class="sign-out">
                                <button type="submit">"Sign out"</button>
                            </form>
                        </nav>
                    })}
                </header>
                <main class="page">{main}</main>
            </body>
        </html>
    }
    .to_html()
}

fn banner(banner: Option<Banner>) -> impl IntoView {
    banner.map(|banner| match banner {
        Banner::Success(text) => {
            view! { <div class="banner success" role="status">{text}</div> }.into_any()
        }
        Banner::Failure(text) => {
            view! { <div class="banner error" role="alert">{text}</div> }.into_any()
        }
    })
}

/// One labelled input with its message. `form` prefixes the element ids when a page has
/// two forms with the same field names.
fn input(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    value: String,
    autocomplete: &'static str,
    problem: Option<String>,
) -> impl IntoView {
    let id = if form.is_empty() {
        name.to_owned()
    } else {
        format!("{form}-{name}")
    };
    let invalid = problem.is_some();
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <div class="control">
                <input
                    id=id
                    name=name
                    type=kind
                    value=value
                    autocomplete=autocomplete
                    aria-invalid=if invalid { "true" } else { "false" }
                    aria-describedby=problem.as_ref().map(|_| error_id.clone())
                />
                {problem.map(|message| view! {
                    <p class="message error" id=error_id data-field=name>{message}</p>
                })}
            </div>
        </div>
    }
}

/// The sign-in page.
pub fn sign_in(
    next: &str,
    name: String,
    banner_above: Option<Banner>,
    no_administrator: bool,
) -> String {
    let main = view! {
        <div class="page-heading"><h1>"Sign in"</h1></div>
        {banner(banner_above)}
        {no_administrator.then(|| view! {
            <p class="intro" id="no-administrator">
                "No administrator exists yet. Open the setup link the console printed when it \
                 started (run it again to get a new one if the link is lost)."
            </p>
        })}
        <form class="settings narrow" method="post" action="/login" novalidate>
            <fieldset>
                {input("", "name", "Name", "text", name, "username", None)}
                {input("", "password", "Password", "password", String::new(), "current-password", None)}
                <input type="hidden" name="next" value=next.to_owned()/>
            </fieldset>
            <div class="actions"><button type="submit" class="primary">"Sign in"</button></div>
        </form>
    };
    document("Sign in", None, main)
}

/// The first-administrator form of the setup link.
pub fn setup(token: String, name: String, problems: Problems) -> String {
    let main = view! {
        <div class="page-heading"><h1>"Create the first administrator"</h1></div>
        <p class="intro">
            "This one-time link creates the console's first administrator. Further \
             administrators are added from the console once signed in."
        </p>
        {problems.any().then(|| view! {
            <div class="banner error" role="alert">"Some fields need attention."</div>
        })}
        <form class="settings narrow" method="post" action="/setup" novalidate>
            <fieldset>
                {input("", "name", "Name", "text", name, "username", problems.name)}
                {input("", "password", "Password", "password", String::new(), "new-password", problems.password)}
                {input("", "confirm", "Password (again)", "password", String::new(), "new-password", problems.confirm)}
                <p class="help">"At least 12 characters. A passphrase of several words is easiest to remember."</p>
                <input type="hidden" name="token" value=token/>
            </fieldset>
            <div class="actions"><button type="submit" class="primary">"Create administrator"</button></div>
        </form>
    };
    document("Setup", None, main)
}

/// The setup link cannot be used (already used, wrong, or an administrator exists).
pub fn setup_closed(reason: &'static str) -> String {
    let main = view! {
        <div class="page-heading"><h1>"Setup"</h1></div>
        <div class="banner error" role="alert" id="setup-closed">{reason}</div>
        <p><a href="/login">"Go to the sign-in page"</a></p>
    };
    document("Setup", None, main)
}

/// What the administrators page shows besides the list.
pub struct AdministratorsView {
    /// The signed-in administrator.
    pub me: String,
    /// Every administrator.
    pub accounts: Vec<AccountSummary>,
    /// The banner on top.
    pub banner: Option<Banner>,
    /// The add form's name (kept after an error).
    pub add_name: String,
    /// The add form's problems.
    pub add: Problems,
    /// The change-password form's problems.
    pub change: Problems,
}

/// The administrators page: the list, the add form and the change-own-password form.
pub fn administrators(view: AdministratorsView) -> String {
    let AdministratorsView {
        me,
        accounts,
        banner: top,
        add_name,
        add,
        change,
    } = view;
    let me_in_bar = me.clone();
    let rows = accounts
        .into_iter()
        .map(|account| {
            view! {
                <tr>
                    <td>{account.name}</td>
                    <td>{account.created_at}" UTC"</td>
                    <td>{account.created_by.unwrap_or_else(|| "(first administrator)".to_owned())}</td>
                    <td>{account.last_sign_in_at.map_or_else(|| "never".to_owned(), |at| format!("{at} UTC"))}</td>
                </tr>
            }
        })
        .collect_view();
    let main = view! {
        <nav class="breadcrumb" aria-label="Breadcrumb"><span>"Administration"</span><span>"Administrators"</span></nav>
        <div class="page-heading"><h1>"Administrators"</h1></div>
        {banner(top)}
        <table class="records" id="administrators">
            <thead><tr><th>"Name"</th><th>"Created"</th><th>"Created by"</th><th>"Last sign-in"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"Add an administrator"</h2>
        <form class="settings narrow" method="post" action="/admin/administrators" novalidate id="add-administrator">
            <fieldset>
                {input("add", "name", "Name", "text", add_name, "off", add.name)}
                {input("add", "password", "Password", "password", String::new(), "new-password", add.password)}
                {input("add", "confirm", "Password (again)", "password", String::new(), "new-password", add.confirm)}
                <p class="help">"Give the password to the new administrator by a separate, private channel."</p>
                {input("add", "current", "Your own password", "password", String::new(), "current-password", add.current)}
            </fieldset>
            <div class="actions"><button type="submit" class="primary">"Add administrator"</button></div>
        </form>
        <h2>"Change your password"</h2>
        <form class="settings narrow" method="post" action="/admin/password" novalidate id="own-password">
            <fieldset>
                <input type="hidden" name="name" value=me autocomplete="username"/>
                {input("change", "current", "Current password", "password", String::new(), "current-password", change.current)}
                {input("change", "password", "New password", "password", String::new(), "new-password", change.password)}
                {input("change", "confirm", "New password (again)", "password", String::new(), "new-password", change.confirm)}
                <p class="help">"Your other sessions end when the password changes."</p>
            </fieldset>
            <div class="actions"><button type="submit" class="primary">"Change password"</button></div>
        </form>
    };
    document("Administrators", Some(me_in_bar), main)
}

/// One page of the audit log.
pub struct AuditListing {
    /// The entries, newest first.
    pub records: Vec<AuditRecord>,
    /// The id to continue from, when there are older entries.
    pub older: Option<i64>,
    /// Whether sign-ins and sign-outs are left out.
    pub changes_only: bool,
}

/// The audit log page, newest first, with a link to older entries when there are some.
pub fn audit_log(me: String, listing: AuditListing) -> String {
    let AuditListing {
        records,
        older,
        changes_only,
    } = listing;
    let filter = if changes_only { "&show=changes" } else { "" };
    let rows = records
        .into_iter()
        .map(|record| {
            let changes = record
                .changes
                .into_iter()
                .map(|change| {
                    view! {
                        <li>
                            <span class="change-field">{change.field}</span>": "
                            <span class="old">{change.old.unwrap_or_else(|| "(not set)".to_owned())}</span>
                            " → "
                            <span class="new">{change.new.unwrap_or_else(|| "(not set)".to_owned())}</span>
                        </li>
                    }
                })
                .collect_view();
            let (action, outcome) = (record.action.clone(), record.outcome.clone());
            view! {
                <tr data-action=action data-outcome=outcome>
                    <td class="at">{record.at}" UTC"</td>
                    <td class="nowrap">{record.actor}</td>
                    <td>{record.action}</td>
                    <td class="nowrap">{record.outcome}</td>
                    <td>{record.summary}<ul class="changes">{changes}</ul></td>
                    <td class="nowrap">{record.client.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let main = view! {
        <nav class="breadcrumb" aria-label="Breadcrumb"><span>"Administration"</span><span>"Audit log"</span></nav>
        <div class="page-heading"><h1>"Audit log"</h1></div>
        <p class="intro">"Every sign-in, change and test message, newest first. Recipients are masked; passwords never appear."</p>
        <p class="filter">
            {if changes_only {
                view! { <a href="/admin/audit">"Show everything"</a>" · "<strong>"Without sign-ins"</strong> }.into_any()
            } else {
                view! { <strong>"Everything"</strong>" · "<a href="/admin/audit?show=changes">"Without sign-ins"</a> }.into_any()
            }}
        </p>
        <table class="records" id="audit-log">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Result"</th><th>"Details"</th><th>"From"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {older.map(|id| view! { <p><a href=format!("/admin/audit?before={id}{filter}")>"Older entries"</a></p> })}
    };
    document("Audit log", Some(me), main)
}

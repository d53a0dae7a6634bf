//! Starts the Messaging Setup console: reads the configuration, opens the database, prints the
//! URL and serves until Ctrl-C or SIGTERM.

use server::auth::error_chain;
use server::config::Config;
use server::{startup, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{}", error_chain(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.as_slice() {
        [] => {}
        [command, name] if command == "set-password" => {
            return set_password(&config, name).await;
        }
        _ => {
            return Err("usage: messaging-console [set-password NAME < password]".into());
        }
    }
    let services = startup::build_services(&config).await?;
    let listener = startup::bind(&config).await?;
    let address = listener.local_addr()?;
    let auth = startup::auth(&services, &config);
    let base = format!("http://{}", printable(address));
    tracing::info!("Messaging Setup console: {base}/messaging/smtp");
    if let Some(token) = auth.open_setup().await? {
        // Printed, not logged: this is for the person starting the console, and it stops
        // working once used or when the console stops.
        println!(
            "\nNo administrator exists yet. Create the first one with this one-time link \
             (valid until used or until the console stops):\n\n    {base}/setup?token={token}\n"
        );
    }
    let router = startup::router(services, auth, &config);
    startup::serve(listener, router, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// `messaging-console set-password NAME`: sets the password (read from the first line of
/// standard input) of administrator NAME, creating the account if there is none, and ends their
/// sessions. For whoever runs the console's host: the way back in when the only password is
/// lost, or to create the first administrator from a script.
async fn set_password(config: &Config, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    use messaging::admin::{Added, AuditAction, AuditEntry, AuditOutcome, password};
    use secrecy::{ExposeSecret as _, SecretString};

    let name = model::admin::check_name(name).map_err(|problem| format!("NAME: {problem}"))?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let secret = SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned());
    drop(line);
    model::admin::check_new_password(secret.expose_secret(), secret.expose_secret(), &name)
        .map_err(|(_, problem)| format!("password: {problem}"))?;
    let services = startup::build_services(config).await?;
    let store = services.admins;
    let now = messaging::admin::unix_now();
    let hash = password::hash(secret).await?;
    let (action, summary) = match store.find(&name).await? {
        Some(account) => {
            store.set_password(account.id, &hash, &[], now).await?;
            (
                AuditAction::PasswordChanged,
                "password set from the command line; sessions ended",
            )
        }
        None => match store.add(&name, &hash, "command line", now).await? {
            Added::Created(_) => (
                AuditAction::AdministratorAdded,
                "created from the command line",
            ),
            _ => return Err(format!("administrator {name} could not be created").into()),
        },
    };
    let entry = AuditEntry {
        actor: name.clone(),
        client: None,
        action,
        outcome: AuditOutcome::Succeeded,
        summary: summary.to_owned(),
        changes: Vec::new(),
    };
    store.record(&entry, now).await?;
    println!("{summary}: {name}");
    Ok(())
}

/// The listening address as a browser on this machine reaches it (`0.0.0.0` as `127.0.0.1`).
fn printable(address: std::net::SocketAddr) -> std::net::SocketAddr {
    let mut printable = address;
    if address.ip().is_unspecified() {
        printable.set_ip(match address {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    printable
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler can be installed");
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down");
}

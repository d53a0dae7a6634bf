//! The server's configuration, read once from the environment at start.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `CONSOLE_LISTEN` | address and port to listen on | `127.0.0.1:3000` |
//! | `CONSOLE_DATABASE` | SQLite file holding the settings (created on first start) | `data/console.sqlite3` |
//! | `CONSOLE_SECRET_KEY` | 32-byte key (base64) that encrypts stored passwords | unset: key file |
//! | `CONSOLE_SECRET_KEY_FILE` | key file, created with mode 0600 if missing | `secret.key` beside the database |
//! | `CONSOLE_SITE_ROOT` | folder with the built browser bundle (`pkg/`) and `public/` files | `target/site` |
//! | `CONSOLE_EHLO_NAME` | the name this console gives in SMTP EHLO | `localhost` |
//! | `CONSOLE_ALLOWED_HOSTS` | host names (comma-separated) the console answers to, besides IP addresses and `localhost` | none |
//! | `CONSOLE_OUTBOUND_ALLOW` | CIDR blocks (comma-separated) mail and SMS may go to; when set, nothing else | unset: all but the refused |
//! | `CONSOLE_OUTBOUND_DENY` | CIDR blocks mail and SMS never go to | none (link-local, metadata, multicast are refused anyway) |
//! | `CONSOLE_OUTBOUND_PORTS` | ports (and ranges, `8000-8999`) mail and SMS may go to | any |
//! | `CONSOLE_SESSION_IDLE` | time without a request after which a session ends (`45s`, `30m`, `2h`) | `30m` |
//! | `CONSOLE_SESSION_MAX` | time after sign-in after which a session ends however busy | `12h` |
//! | `CONSOLE_SECURE_COOKIE` | `always`: mark the session cookie Secure on every response; `auto`: only when a proxy reports HTTPS (`X-Forwarded-Proto`) | `auto` |
//! | `CONSOLE_TEST_SEND_LIMIT` | test emails and SMS (together) each administrator may send per 10 minutes | `10` |
//! | `RUST_LOG` | log filter (tracing `EnvFilter` syntax) | `info` |

use crate::auth::SecureCookie;
use messaging::{DatabaseLocation, KeySource, OutboundPolicy, SessionLifetime};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Where the settings live.
    pub database: DatabaseLocation,
    /// Where the encryption key comes from.
    pub secret_key: KeySource,
    /// The built site (browser bundle and static files).
    pub site_root: PathBuf,
    /// EHLO name.
    pub ehlo_name: String,
    /// Host names the console answers to besides IP addresses and `localhost`.
    pub allowed_hosts: Vec<String>,
    /// Where mail and SMS may be sent.
    pub outbound: OutboundPolicy,
    /// How long sessions last.
    pub sessions: SessionLifetime,
    /// When the session cookie is marked Secure.
    pub secure_cookie: SecureCookie,
    /// Test sends per administrator per ten minutes.
    pub test_send_limit: usize,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    /// The environment variable.
    pub variable: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let listen = match lookup("CONSOLE_LISTEN") {
            Some(value) => value.parse().map_err(|_| ConfigError {
                variable: "CONSOLE_LISTEN",
                problem: format!("'{value}' is not an address:port such as 127.0.0.1:3000"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let database_path = PathBuf::from(
            lookup("CONSOLE_DATABASE").unwrap_or_else(|| "data/console.sqlite3".to_owned()),
        );
        let secret_key = match (
            lookup("CONSOLE_SECRET_KEY"),
            lookup("CONSOLE_SECRET_KEY_FILE"),
        ) {
            (Some(_), Some(_)) => {
                return Err(ConfigError {
                    variable: "CONSOLE_SECRET_KEY",
                    problem: "set either CONSOLE_SECRET_KEY or CONSOLE_SECRET_KEY_FILE, not both"
                        .to_owned(),
                });
            }
            (Some(key), None) => KeySource::Inline(SecretString::from(key)),
            (None, Some(file)) => KeySource::File(PathBuf::from(file)),
            (None, None) => KeySource::File(database_path.with_file_name("secret.key")),
        };
        let ehlo_name = lookup("CONSOLE_EHLO_NAME").unwrap_or_else(|| "localhost".to_owned());
        if let Err(problem) = model::host::parse_domain(&ehlo_name) {
            return Err(ConfigError {
                variable: "CONSOLE_EHLO_NAME",
                problem,
            });
        }
        let outbound = outbound_policy(&lookup)?;
        let sessions = SessionLifetime {
            idle_secs: duration(&lookup, "CONSOLE_SESSION_IDLE", 30 * 60)?,
            absolute_secs: duration(&lookup, "CONSOLE_SESSION_MAX", 12 * 60 * 60)?,
        };
        let secure_cookie = match lookup("CONSOLE_SECURE_COOKIE").as_deref().map(str::trim) {
            None | Some("auto") => SecureCookie::WhenProxiedOverHttps,
            Some("always") => SecureCookie::Always,
            Some(other) => {
                return Err(ConfigError {
                    variable: "CONSOLE_SECURE_COOKIE",
                    problem: format!("'{other}' is neither 'auto' nor 'always'"),
                });
            }
        };
        let test_send_limit = match lookup("CONSOLE_TEST_SEND_LIMIT") {
            None => 10,
            Some(text) => text
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| ConfigError {
                    variable: "CONSOLE_TEST_SEND_LIMIT",
                    problem: format!("'{text}' is not a number from 1 to 10000"),
                })?,
        };
        Ok(Config {
            listen,
            database: DatabaseLocation::SqliteFile(database_path),
            secret_key,
            site_root: PathBuf::from(
                lookup("CONSOLE_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            ),
            ehlo_name,
            allowed_hosts: lookup("CONSOLE_ALLOWED_HOSTS")
                .map(|names| names.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
            outbound,
            sessions,
            secure_cookie,
            test_send_limit,
        })
    }
}

/// A duration such as `45s`, `30m` or `12h` (a bare number is minutes), from 1 s to 7 days.
fn duration(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default_secs: i64,
) -> Result<i64, ConfigError> {
    let Some(text) = lookup(variable) else {
        return Ok(default_secs);
    };
    let trimmed = text.trim();
    let (number, unit) = match trimmed.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => trimmed.split_at(at),
        None => (trimmed, "m"),
    };
    let scale = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => 0,
    };
    match number.parse::<i64>() {
        Ok(value) if scale > 0 && (1..=7 * 24 * 3600).contains(&(value * scale)) => {
            Ok(value * scale)
        }
        _ => Err(ConfigError {
            variable,
            problem: format!("'{text}' is not a duration such as 45s, 30m or 12h (up to 7 days)"),
        }),
    }
}

fn outbound_policy(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<OutboundPolicy, ConfigError> {
    let blocks = |variable: &'static str| {
        lookup(variable)
            .map(|text| OutboundPolicy::parse_blocks(&text))
            .transpose()
            .map_err(|problem| ConfigError { variable, problem })
    };
    let allow = blocks("CONSOLE_OUTBOUND_ALLOW")?.unwrap_or_default();
    let deny = blocks("CONSOLE_OUTBOUND_DENY")?.unwrap_or_default();
    let ports = lookup("CONSOLE_OUTBOUND_PORTS")
        .map(|text| OutboundPolicy::parse_ports(&text))
        .transpose()
        .map_err(|problem| ConfigError {
            variable: "CONSOLE_OUTBOUND_PORTS",
            problem,
        })?;
    Ok(OutboundPolicy::new(allow, deny, ports))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_listen_on_loopback_with_an_sqlite_file() {
        let config = config(&[]).unwrap();

        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert!(
            matches!(config.database, DatabaseLocation::SqliteFile(ref p)
            if p.ends_with("data/console.sqlite3"))
        );
        assert!(
            matches!(config.secret_key, KeySource::File(ref p) if p.ends_with("data/secret.key"))
        );
    }

    #[test]
    fn bad_listen_address_names_the_variable() {
        let error = config(&[("CONSOLE_LISTEN", "localhost")]).unwrap_err();
        assert_eq!(error.variable, "CONSOLE_LISTEN");
    }

    #[test]
    fn both_key_variables_at_once_are_refused() {
        let error = config(&[
            ("CONSOLE_SECRET_KEY", "x"),
            ("CONSOLE_SECRET_KEY_FILE", "y"),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "CONSOLE_SECRET_KEY");
    }

    #[test]
    fn a_bad_outbound_block_names_its_variable() {
        let error = config(&[("CONSOLE_OUTBOUND_DENY", "10.0.0.0/40")]).unwrap_err();

        assert_eq!(error.variable, "CONSOLE_OUTBOUND_DENY");
    }

    #[test]
    fn sessions_default_to_thirty_minutes_idle_and_twelve_hours_in_all() {
        let defaults = config(&[]).unwrap();
        assert_eq!(defaults.sessions, SessionLifetime::default());
        assert_eq!(defaults.test_send_limit, 10);

        let error = config_error("CONSOLE_SESSION_IDLE", "0");
        assert_eq!(error.variable, "CONSOLE_SESSION_IDLE");
        assert!(config(&[("CONSOLE_SESSION_IDLE", "1 week")]).is_err());
        let short = config(&[
            ("CONSOLE_SESSION_IDLE", "45s"),
            ("CONSOLE_SESSION_MAX", "2h"),
        ])
        .unwrap();
        assert_eq!(short.sessions.idle_secs, 45);
        assert_eq!(short.sessions.absolute_secs, 7200);
        assert_eq!(
            config(&[("CONSOLE_SESSION_IDLE", "15")])
                .unwrap()
                .sessions
                .idle_secs,
            900
        );
        let error = config_error("CONSOLE_SECURE_COOKIE", "yes");
        assert_eq!(error.variable, "CONSOLE_SECURE_COOKIE");
    }

    fn config_error(variable: &str, value: &str) -> ConfigError {
        config(&[(variable, value)]).unwrap_err()
    }

    #[test]
    fn bad_ehlo_name_is_refused() {
        assert!(config(&[("CONSOLE_EHLO_NAME", "bad name")]).is_err());
    }
}

//! Shared helpers for the messaging integration tests: the test peers started by
//! `scripts/peers/postfix-up.sh`, a settings store in a temporary SQLite file, one send through
//! `EmailService` with saved settings, loopback listeners, unique tokens, and a bounded wait for
//! a message to land in the test MTA's Maildir. The SMS tests add the test Kannel
//! ([`kannel`]), a recording HTTP gateway ([`receiver`]) and SMS arrange helpers ([`sms`]).

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod kannel;
pub mod receiver;
pub mod sms;

use messaging::{
    DatabaseLocation, EmailError, EmailService, KeySource, OutgoingEmail, SecretCipher,
    SettingsStore, SmtpTransport, StoredSmtpSettings,
};
use model::{
    ConnectionSecurity, Delivered, DeliveryFailure, Mailbox, PasswordInput, PasswordPlan,
    SecretText, SmtpForm, SmtpSettings,
};
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

/// What to do when the peers are missing; the tests must fail, never skip.
const START_PEERS: &str = "run scripts/test.sh, which starts the test peers \
                           (or scripts/peers/postfix-up.sh on its own)";

/// The name the console introduces itself with in EHLO during the tests.
pub const HELLO_NAME: &str = "tests.console.test";

/// Longest wait for a message to reach the Maildir.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(20);

/// The sender of the tests that do not test the From address.
pub const FROM: &str = "Console Alerts <alerts@console.test>";

/// The test MTA as described by `target/peers/postfix.env`.
#[derive(Clone, Debug)]
pub struct Peers {
    /// Where the values came from, for messages.
    pub env_file: PathBuf,
    /// Always 127.0.0.1.
    pub host: String,
    /// Plain SMTP: no STARTTLS, no AUTH.
    pub plain_port: u16,
    /// Implicit TLS.
    pub tls_port: u16,
    /// STARTTLS required, then AUTH required.
    pub starttls_port: u16,
    /// SASL user name.
    pub user: String,
    /// SASL password (raw: space, colon, quote and a non-ASCII letter).
    pub password: String,
    /// PEM of the CA that signed the server certificates.
    pub ca_pem: String,
    /// Where every `*@console.test` message lands.
    pub maildir: PathBuf,
    /// The name the server certificate is valid for.
    pub tls_name: String,
    /// The one domain the MTA accepts mail for.
    pub rcpt_domain: String,
    /// Every key of the file, for the less common ones.
    pub values: HashMap<String, String>,
}

impl Peers {
    /// Reads the peers file (`PEERS_ENV` or `<repo>/target/peers/postfix.env`) and checks that
    /// the three Postfix ports accept connections. Panics with instructions when they do not.
    pub fn postfix() -> Peers {
        let peers = Peers::load();
        for port in [peers.plain_port, peers.tls_port, peers.starttls_port] {
            let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            if let Err(error) =
                std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2))
            {
                panic!(
                    "the test MTA does not accept connections on {address} ({error}), although \
                     {} exists: {START_PEERS}",
                    peers.env_file.display()
                );
            }
        }
        peers
    }

    /// Reads the peers file without checking the ports.
    pub fn load() -> Peers {
        let env_file = match std::env::var_os("PEERS_ENV") {
            Some(path) => PathBuf::from(path),
            None => repo_root().join("target/peers/postfix.env"),
        };
        let text = std::fs::read_to_string(&env_file).unwrap_or_else(|error| {
            panic!(
                "cannot read the test peers file {} ({error}): {START_PEERS}",
                env_file.display()
            )
        });
        let values: HashMap<String, String> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                let (key, value) = line.split_once('=').unwrap_or_else(|| {
                    panic!("{}: not a KEY=value line: {line:?}", env_file.display())
                });
                (key.trim().to_owned(), value.to_owned())
            })
            .collect();
        let get = |key: &str| -> String {
            values
                .get(key)
                .cloned()
                .unwrap_or_else(|| panic!("{} has no {key}: {START_PEERS}", env_file.display()))
        };
        let port = |key: &str| -> u16 {
            get(key)
                .parse()
                .unwrap_or_else(|_| panic!("{}: {key} is not a port", env_file.display()))
        };
        let read = |key: &str| -> String {
            let path = get(key);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {key}={path} ({error}): {START_PEERS}"))
        };
        Peers {
            host: get("POSTFIX_HOST"),
            plain_port: port("POSTFIX_PLAIN_PORT"),
            tls_port: port("POSTFIX_TLS_PORT"),
            starttls_port: port("POSTFIX_STARTTLS_PORT"),
            user: get("POSTFIX_USER"),
            password: read("POSTFIX_PASSWORD_FILE"),
            ca_pem: read("POSTFIX_CA_PEM"),
            maildir: PathBuf::from(get("POSTFIX_MAILDIR")),
            tls_name: get("POSTFIX_TLS_NAME"),
            rcpt_domain: get("POSTFIX_RCPT_DOMAIN"),
            values: values.clone(),
            env_file,
        }
    }

    /// Any value of the file by key, panicking if it is missing.
    pub fn value(&self, key: &str) -> &str {
        self.values
            .get(key)
            .unwrap_or_else(|| panic!("{} has no {key}: {START_PEERS}", self.env_file.display()))
    }

    /// A recipient in the accepted domain whose address carries `token`, so the delivered
    /// file can be found by searching for the token in plain ASCII.
    pub fn recipient(&self, token: &str) -> String {
        format!("{token}@{}", self.rcpt_domain)
    }

    /// A short message to [`Peers::recipient`] whose subject and body carry `token`.
    pub fn token_email(&self, token: &str) -> OutgoingEmail {
        email(
            &self.recipient(token),
            &format!("Test {token}"),
            &format!("Token {token}\n"),
        )
    }

    /// Plain SMTP to 127.0.0.1 on the plain port (no STARTTLS, no AUTH), sending as `from`.
    pub fn plain_form(&self, from: &str) -> SmtpForm {
        smtp_form("127.0.0.1", self.plain_port, ConnectionSecurity::None, from)
    }

    /// `security` to `port` under the name the server certificate is valid for, trusting the
    /// test CA, sending as [`FROM`], without credentials.
    pub fn trusted_form(&self, port: u16, security: ConnectionSecurity) -> SmtpForm {
        with_ca(
            smtp_form(&self.tls_name, port, security, FROM),
            &self.ca_pem,
        )
    }

    /// `form` logging in as the test user with the right password.
    pub fn signed_in(&self, form: SmtpForm) -> SmtpForm {
        with_credentials(form, &self.user, &self.password)
    }

    /// The raw text of the delivered message carrying `token` (see [`wait_for_delivery`]),
    /// waiting at most [`DELIVERY_TIMEOUT`].
    pub async fn delivered(&self, token: &str) -> String {
        wait_for_delivery(&self.maildir, token, DELIVERY_TIMEOUT).await
    }
}

/// The workspace root: the nearest ancestor of this crate that holds `Cargo.lock`.
pub fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or_else(|| panic!("no Cargo.lock above {}", manifest_dir.display()))
        .to_owned()
}

/// A settings store in its own temporary SQLite file; the folder lives as long as this does.
pub struct TempStore {
    /// The temporary folder holding the database.
    pub dir: tempfile::TempDir,
    /// The database file.
    pub path: PathBuf,
    /// The store.
    pub store: SettingsStore,
}

impl TempStore {
    /// A new, empty store with a random key.
    pub async fn new() -> TempStore {
        TempStore::with_cipher(SecretCipher::random()).await
    }

    /// A new, empty store sealing secrets with `cipher`.
    pub async fn with_cipher(cipher: SecretCipher) -> TempStore {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let path = dir.path().join("settings.sqlite");
        TempStore::open(dir, path, cipher).await
    }

    /// A new, empty store whose key the console keeps in `secret.key` next to the database
    /// (created here), and where that key comes from, to load it again.
    pub async fn with_key_file() -> (TempStore, KeySource) {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let path = dir.path().join("settings.sqlite");
        let key = KeySource::File(dir.path().join("secret.key"));
        let cipher = SecretCipher::load(&key).expect("create the key file");
        (TempStore::open(dir, path, cipher).await, key)
    }

    /// A store holding `form` (validated and saved once), and the same settings with
    /// `PasswordPlan::Keep`: what a second save with the password boxes left empty sends.
    pub async fn saved_then_keep_password(form: &SmtpForm) -> (TempStore, SmtpSettings) {
        let temp = TempStore::new().await;
        let first = form.validate(None).expect("valid form");
        temp.store.save_smtp(&first).await.expect("first save");
        let mut again = first;
        again.password = PasswordPlan::Keep;
        (temp, again)
    }

    /// Closes this store and opens the same database file again with `cipher`, as a restart
    /// of the console does.
    pub async fn reopen(self, cipher: SecretCipher) -> TempStore {
        let TempStore { dir, path, store } = self;
        drop(store);
        TempStore::open(dir, path, cipher).await
    }

    async fn open(dir: tempfile::TempDir, path: PathBuf, cipher: SecretCipher) -> TempStore {
        let store = SettingsStore::open(&DatabaseLocation::SqliteFile(path.clone()), cipher)
            .await
            .expect("open a settings store in a temporary SQLite file");
        TempStore { dir, path, store }
    }

    /// Validates `form` as a first save (nothing stored yet) and stores it.
    pub async fn save(&self, form: &SmtpForm) -> StoredSmtpSettings {
        save_form(&self.store, form).await
    }

    /// The stored settings, which must be there.
    pub async fn load(&self) -> StoredSmtpSettings {
        self.store
            .load_smtp()
            .await
            .expect("load")
            .expect("settings are stored")
    }

    /// An email service reading this store's settings.
    pub fn email_service(&self) -> EmailService {
        EmailService::new(self.store.clone(), SmtpTransport::new(HELLO_NAME))
    }
}

/// Saves `form` in a new temporary store and sends `email` once through an `EmailService`
/// reading that store: the one send path, from saved settings to the server's answer.
pub async fn send_with(form: &SmtpForm, email: &OutgoingEmail) -> Result<Delivered, EmailError> {
    let store = TempStore::new().await;
    store.save(form).await;
    store.email_service().send(email).await
}

/// A message to `to` (which must parse) with `subject` and `body`.
pub fn email(to: &str, subject: &str, body: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: Mailbox::parse(to).expect("the test's recipient parses"),
        subject: subject.to_owned(),
        body: body.to_owned(),
    }
}

/// Validates `form` as a first save (`validate(None)`) and stores it with `save_smtp`.
pub async fn save_form(store: &SettingsStore, form: &SmtpForm) -> StoredSmtpSettings {
    let settings = form
        .validate(None)
        .unwrap_or_else(|errors| panic!("the test's form does not validate: {errors:?}"));
    store
        .save_smtp(&settings)
        .await
        .expect("save the SMTP settings")
}

/// A form that passes validation: no user name, a 10 s stage timeout, no CA.
pub fn smtp_form(server: &str, port: u16, security: ConnectionSecurity, from: &str) -> SmtpForm {
    SmtpForm {
        server_name: server.to_owned(),
        port: port.to_string(),
        security,
        user_name: String::new(),
        password: PasswordInput::default(),
        from_address: from.to_owned(),
        timeout_secs: "10".to_owned(),
        ca_certificate: String::new(),
    }
}

/// `form` with a user name and the same password typed in both boxes.
pub fn with_credentials(mut form: SmtpForm, user: &str, password: &str) -> SmtpForm {
    form.user_name = user.to_owned();
    form.password = PasswordInput {
        new_password: SecretText::new(password),
        confirm: SecretText::new(password),
        remove_stored: false,
    };
    form
}

/// `form` trusting the CA certificate(s) in `pem`.
pub fn with_ca(mut form: SmtpForm, pem: &str) -> SmtpForm {
    form.ca_certificate = pem.to_owned();
    form
}

/// The classified failure of a send that must have reached the server and failed there.
pub fn delivery_failure<T: std::fmt::Debug>(outcome: Result<T, EmailError>) -> DeliveryFailure {
    match outcome {
        Err(EmailError::Delivery(failure)) => failure,
        other => panic!("expected a classified delivery failure, got {other:?}"),
    }
}

/// A listener on 127.0.0.1 at a port the system picked, and that port.
pub async fn loopback_listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    (listener, port)
}

/// A port on 127.0.0.1 that was just free and that nothing listens on.
pub async fn closed_port() -> u16 {
    let (listener, port) = loopback_listener().await;
    drop(listener);
    port
}

/// A token no other test (in this or another run) uses: lowercase letters, digits and hyphens,
/// so it survives unchanged in an address, a header or a quoted-printable body.
pub fn unique_token(label: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{label}-{nanos:x}-{:x}-{count}", std::process::id())
}

/// Waits (bounded by `timeout`) until a file in `maildir/new` or `maildir/cur` contains
/// `token`, and returns that message's raw text. Panics when it does not arrive in time.
pub async fn wait_for_delivery(maildir: &Path, token: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    // Delivered files never change (Maildir writes in tmp/ and renames), so a file that did not
    // match once is not read again.
    let mut seen = HashSet::new();
    loop {
        if let Some(message) = find_message(maildir, token, &mut seen) {
            return message;
        }
        if Instant::now() >= deadline {
            panic!(
                "no message containing {token:?} arrived in {}/{{new,cur}} within {timeout:?}",
                maildir.display()
            );
        }
        // Polling interval of a bounded wait for a condition (the file appearing).
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn find_message(maildir: &Path, token: &str, seen: &mut HashSet<PathBuf>) -> Option<String> {
    for sub in ["new", "cur"] {
        let folder = maildir.join(sub);
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("cannot list {} ({error})", folder.display()));
        for entry in entries {
            let path = entry.expect("read a Maildir entry").path();
            if seen.contains(&path) {
                continue;
            }
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                // Moved from new/ to cur/ between listing and reading: seen on the next pass.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => panic!(
                    "cannot read {} ({error}); the Maildir files are 0600 and owned by nobody, \
                     so the tests must run as root",
                    path.display()
                ),
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if text.contains(token) {
                return Some(text);
            }
            seen.insert(path);
        }
    }
    None
}

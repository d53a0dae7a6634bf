//! Every way a send can fail, against small scripted SMTP (and TLS) servers on 127.0.0.1:0:
//! each failure must be classified at the right stage, and no stage may run past the 2 s stage
//! timeout by more than a second.

mod support;

use messaging::SmtpConfig;
use messaging::smtp::Envelope;
use messaging::{OutboundPolicy, SmtpTransport};
use model::SmtpStage;
use model::{ConnectionSecurity, Delivered, DeliveryFailure, FailureKind, Mailbox, ServerName};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use secrecy::SecretString;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{closed_port, loopback_listener};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

const STAGE_TIMEOUT: Duration = Duration::from_secs(2);
/// A failed send must be reported within the stage timeout plus this.
const SLACK: Duration = Duration::from_secs(1);
/// Longest wait for a scripted server to see the client hang up.
const SERVER_FINISH: Duration = Duration::from_secs(5);

const EHLO_PLAIN: &str = "250-scripted.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n";
const EHLO_AUTH: &str = "250-scripted.test\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n";
const EHLO_STARTTLS: &str = "250-scripted.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n";
const END_OF_DATA: &str = "<end of data>";
const GREETING: &str = "220 scripted.test ESMTP";

// ---------------------------------------------------------------------------------------------
// Scripted SMTP server
// ---------------------------------------------------------------------------------------------

/// What the scripted server does at one step.
#[derive(Clone)]
enum Answer {
    /// Writes these bytes (full reply lines, CRLF included) and reads on.
    Say(String),
    /// Writes these bytes, then closes the connection.
    SayAndClose(String),
    /// Writes these bytes, then stalls (see [`Answer::Stall`]).
    SayThenStall(String),
    /// Says nothing and keeps the connection open until the client hangs up.
    Stall,
    /// Closes the connection at once.
    Close,
}

fn say(reply: &str) -> Answer {
    Answer::Say(format!("{reply}\r\n"))
}

/// The command word of a line, upper case.
fn verb(line: &str) -> String {
    line.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// A well-behaved server's answer to `line` (EHLO offers neither STARTTLS nor AUTH).
fn well_behaved(line: &str) -> Answer {
    match verb(line).as_str() {
        "EHLO" => Answer::Say(EHLO_PLAIN.to_owned()),
        "MAIL" => say("250 2.1.0 Ok"),
        "RCPT" => say("250 2.1.5 Ok"),
        "DATA" => say("354 End data with <CR><LF>.<CR><LF>"),
        END_OF_DATA => say("250 2.0.0 Ok: queued as SCRIPTED1"),
        "QUIT" => Answer::SayAndClose("221 2.0.0 Bye\r\n".to_owned()),
        "RSET" | "NOOP" => say("250 2.0.0 Ok"),
        _ => say("502 5.5.2 Error: command not recognized"),
    }
}

/// A one-connection SMTP server that follows a script and records every line it receives
/// (the end of a message's data is recorded as `<end of data>`).
struct ScriptedServer {
    port: u16,
    task: JoinHandle<()>,
    received: Arc<Mutex<Vec<String>>>,
}

impl ScriptedServer {
    async fn start<F>(greeting: Answer, respond: F) -> ScriptedServer
    where
        F: Fn(&str) -> Answer + Send + 'static,
    {
        let (listener, port) = loopback_listener().await;
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept the client");
            serve(stream, greeting, respond, log).await;
        });
        ScriptedServer {
            port,
            task,
            received,
        }
    }

    /// A server that greets with 220 and answers as [`well_behaved`] does, except that a line
    /// whose command word (or whole text, for [`END_OF_DATA`]) is listed in `overrides` gets the
    /// answer listed with it.
    async fn well_behaved_except<const N: usize>(
        overrides: [(&'static str, Answer); N],
    ) -> ScriptedServer {
        ScriptedServer::start(say(GREETING), move |line: &str| {
            let word = verb(line);
            overrides
                .iter()
                .find(|(listed, _)| *listed == word || *listed == line)
                .map_or_else(|| well_behaved(line), |(_, answer)| answer.clone())
        })
        .await
    }

    fn port(&self) -> u16 {
        self.port
    }

    /// Waits (bounded) until the client has hung up and returns every line received.
    async fn finish(self) -> Vec<String> {
        tokio::time::timeout(SERVER_FINISH, self.task)
            .await
            .expect("the client hangs up within 5 s after the send returned")
            .expect("the scripted server does not panic");
        self.received.lock().unwrap().clone()
    }
}

async fn serve<F>(stream: TcpStream, greeting: Answer, respond: F, log: Arc<Mutex<Vec<String>>>)
where
    F: Fn(&str) -> Answer,
{
    let mut stream = BufReader::new(stream);
    if !act(&mut stream, greeting).await {
        return;
    }
    let mut in_data = false;
    loop {
        let mut raw = Vec::new();
        match stream.read_until(b'\n', &mut raw).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_owned();
        let event = if in_data {
            if line != "." {
                continue;
            }
            in_data = false;
            END_OF_DATA.to_owned()
        } else {
            line
        };
        log.lock().unwrap().push(event.clone());
        let answer = respond(&event);
        if verb(&event) == "DATA" && matches!(&answer, Answer::Say(text) if text.starts_with("354"))
        {
            in_data = true;
        }
        if !act(&mut stream, answer).await {
            return;
        }
    }
}

/// Carries out one answer; false when the connection is over.
async fn act(stream: &mut BufReader<TcpStream>, answer: Answer) -> bool {
    match answer {
        Answer::Say(text) => stream.get_mut().write_all(text.as_bytes()).await.is_ok(),
        Answer::SayAndClose(text) => {
            let _ = stream.get_mut().write_all(text.as_bytes()).await;
            false
        }
        Answer::SayThenStall(text) => {
            if stream.get_mut().write_all(text.as_bytes()).await.is_ok() {
                drain_until_closed(stream).await;
            }
            false
        }
        Answer::Stall => {
            drain_until_closed(stream).await;
            false
        }
        Answer::Close => false,
    }
}

/// Reads and discards (including a TLS ClientHello) until the client hangs up.
async fn drain_until_closed<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) {
    let mut buffer = [0u8; 4096];
    while let Ok(count) = stream.read(&mut buffer).await {
        if count == 0 {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------------

fn config(port: u16, security: ConnectionSecurity) -> SmtpConfig {
    SmtpConfig {
        server: ServerName::Ipv4(Ipv4Addr::LOCALHOST),
        port,
        security,
        credentials: None,
        from: Mailbox::parse("Alerts <alerts@console.test>").expect("valid From"),
        stage_timeout: STAGE_TIMEOUT,
        ca_certificate: None,
    }
}

/// `config` logging in as `relay-user` with `password`.
fn signed_in(mut config: SmtpConfig, password: &str) -> SmtpConfig {
    config.credentials = Some(("relay-user".to_owned(), SecretString::from(password)));
    config
}

fn envelope() -> Envelope {
    Envelope {
        recipient: Mailbox::parse("ops@console.test").expect("valid recipient"),
        message: b"From: Alerts <alerts@console.test>\r\nTo: ops@console.test\r\n\
                   Subject: Scripted fault test\r\n\r\nFault test body.\r\n"
            .to_vec(),
    }
}

/// Sends once and measures how long the whole send took.
async fn timed_send(config: &SmtpConfig) -> (Result<Delivered, DeliveryFailure>, Duration) {
    let transport = SmtpTransport::new("tests.console.test");
    let started = Instant::now();
    let outcome = transport.send(config, &envelope()).await;
    (outcome, started.elapsed())
}

/// The failure of a send that must fail, having been reported within the time bound.
fn failed_in_time(
    outcome: Result<Delivered, DeliveryFailure>,
    elapsed: Duration,
) -> DeliveryFailure {
    let failure = match outcome {
        Err(failure) => failure,
        Ok(delivered) => panic!("the send must fail, but it was accepted: {delivered:#?}"),
    };
    assert!(
        elapsed < STAGE_TIMEOUT + SLACK,
        "the failure took {elapsed:?}, more than the {STAGE_TIMEOUT:?} stage timeout + \
         {SLACK:?}: {failure:#?}"
    );
    failure
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn server_that_never_greets_times_out_at_the_greeting() {
    let server = ScriptedServer::start(Answer::Stall, well_behaved).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Greeting, "{failure:#?}");
    assert!(
        elapsed >= STAGE_TIMEOUT,
        "gave up after {elapsed:?}, before the timeout"
    );
    server.finish().await;
}

#[tokio::test]
async fn server_that_never_answers_ehlo_times_out_at_ehlo() {
    let server = ScriptedServer::start(say(GREETING), |_: &str| Answer::Stall).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Ehlo, "{failure:#?}");
    let received = server.finish().await;
    assert!(received[0].starts_with("EHLO "), "received: {received:?}");
}

#[tokio::test]
async fn server_that_stalls_after_agreeing_to_starttls_times_out_at_start_tls() {
    let server = ScriptedServer::well_behaved_except([
        ("EHLO", Answer::Say(EHLO_STARTTLS.to_owned())),
        (
            "STARTTLS",
            Answer::SayThenStall("220 2.0.0 ready\r\n".to_owned()),
        ),
    ])
    .await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::StartTls)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::StartTls, "{failure:#?}");
    let received = server.finish().await;
    assert_eq!(
        received.last().map(String::as_str),
        Some("STARTTLS"),
        "received: {received:?}"
    );
}

#[tokio::test]
async fn server_that_never_answers_the_end_of_the_message_times_out_at_the_final_reply() {
    let server = ScriptedServer::well_behaved_except([(END_OF_DATA, Answer::Stall)]).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::FinalReply, "{failure:#?}");
    let received = server.finish().await;
    assert_eq!(
        received.last().map(String::as_str),
        Some(END_OF_DATA),
        "received: {received:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rejected_credentials_are_reported_with_the_servers_535_reply() {
    let server = ScriptedServer::well_behaved_except([
        ("EHLO", Answer::Say(EHLO_AUTH.to_owned())),
        ("AUTH", say("535 5.7.8 Authentication credentials invalid")),
    ])
    .await;
    let config = signed_in(config(server.port(), ConnectionSecurity::None), "wrong");

    let (outcome, elapsed) = timed_send(&config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::AuthRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Auth, "{failure:#?}");
    assert_eq!(
        failure.server_reply.as_deref(),
        Some("535 5.7.8 Authentication credentials invalid")
    );
    let received = server.finish().await;
    assert!(
        !received.iter().any(|line| verb(line) == "MAIL"),
        "received: {received:?}"
    );
}

#[tokio::test]
async fn rejected_recipient_is_reported_with_the_servers_550_reply() {
    let server = ScriptedServer::well_behaved_except([(
        "RCPT",
        say("550 5.1.1 <x@y>: Recipient address rejected"),
    )])
    .await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::RecipientRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::RcptTo, "{failure:#?}");
    assert_eq!(
        failure.server_reply.as_deref(),
        Some("550 5.1.1 <x@y>: Recipient address rejected")
    );
    let received = server.finish().await;
    assert!(
        !received.iter().any(|line| verb(line) == "DATA"),
        "received: {received:?}"
    );
}

#[tokio::test]
async fn start_tls_without_starttls_on_offer_stops_before_auth_or_mail_is_sent() {
    let server =
        ScriptedServer::well_behaved_except([("EHLO", Answer::Say(EHLO_AUTH.to_owned()))]).await;
    let config = signed_in(
        config(server.port(), ConnectionSecurity::StartTls),
        "secret",
    );

    let (outcome, elapsed) = timed_send(&config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(
        failure.kind,
        FailureKind::StartTlsNotOffered,
        "{failure:#?}"
    );
    assert_eq!(failure.stage, SmtpStage::StartTls, "{failure:#?}");
    let received = server.finish().await;
    assert!(received[0].starts_with("EHLO "), "received: {received:?}");
    let leaked: Vec<_> = received
        .iter()
        .filter(|line| matches!(verb(line).as_str(), "AUTH" | "MAIL"))
        .collect();
    assert!(
        leaked.is_empty(),
        "sent without TLS: {leaked:?} (all received: {received:?})"
    );
}

#[tokio::test]
async fn greeting_with_421_is_a_temporary_refusal_at_the_greeting_with_the_reply() {
    let greeting = Answer::SayAndClose("421 4.3.2 Service not available, try later\r\n".to_owned());
    let server = ScriptedServer::start(greeting, well_behaved).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::SessionRefused, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Greeting, "{failure:#?}");
    assert_eq!(
        failure.server_reply.as_deref(),
        Some("421 4.3.2 Service not available, try later")
    );
    assert!(
        failure.summary.contains("temporarily"),
        "summary: {}",
        failure.summary
    );
    server.finish().await;
}

#[tokio::test]
async fn temporary_refusal_of_the_sender_is_reported_as_temporary() {
    let server = ScriptedServer::well_behaved_except([("MAIL", say("451 4.3.0 try later"))]).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::SenderRejected, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::MailFrom, "{failure:#?}");
    assert_eq!(failure.server_reply.as_deref(), Some("451 4.3.0 try later"));
    assert!(
        failure.summary.contains("temporarily"),
        "summary: {}",
        failure.summary
    );
    server.finish().await;
}

#[tokio::test]
async fn server_that_answers_with_something_other_than_smtp_is_a_protocol_error() {
    // It keeps the connection open: nothing was closed, the answer just is not SMTP.
    let greeting = Answer::SayThenStall("HTTP/1.1 400 Bad Request\r\n\r\n".to_owned());
    let server = ScriptedServer::start(greeting, well_behaved).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Greeting, "{failure:#?}");
    server.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn closed_port_is_reported_as_connection_refused() {
    let port = closed_port().await;

    let (outcome, elapsed) = timed_send(&config(port, ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::ConnectionRefused, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Connect, "{failure:#?}");
}

#[tokio::test]
async fn server_that_hangs_up_when_mail_from_is_sent_is_reported_as_connection_closed() {
    let server = ScriptedServer::well_behaved_except([("MAIL", Answer::Close)]).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::ConnectionClosed, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::MailFrom, "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn unknown_host_name_is_reported_as_host_not_found() {
    let mut config = config(25, ConnectionSecurity::None);
    config.server = ServerName::parse("no-such-host.invalid").expect("valid name");

    let (outcome, elapsed) = timed_send(&config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::HostNotFound, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Resolve, "{failure:#?}");
    assert!(
        failure.summary.contains("no-such-host.invalid"),
        "summary: {}",
        failure.summary
    );
}

// ---------------------------------------------------------------------------------------------
// TLS
// ---------------------------------------------------------------------------------------------

/// A test CA and a server certificate it signed.
struct TestPki {
    ca_pem: String,
    acceptor: TlsAcceptor,
}

/// A server certificate to issue: the names it is for and when it is valid.
struct Certificate {
    /// DNS names or IP addresses.
    names: &'static [&'static str],
    /// First day of validity (year, month, day).
    not_before: (i32, u8, u8),
    /// Last day of validity (year, month, day).
    not_after: (i32, u8, u8),
}

/// For `localhost` and 127.0.0.1, expired since 2021.
const EXPIRED: Certificate = Certificate {
    names: &["localhost", "127.0.0.1"],
    not_before: (2020, 1, 1),
    not_after: (2021, 1, 1),
};

/// Valid until 2040, but for `other.invalid` only.
const FOR_ANOTHER_HOST: Certificate = Certificate {
    names: &["other.invalid"],
    not_before: (2024, 1, 1),
    not_after: (2040, 1, 1),
};

/// For `localhost` and 127.0.0.1, valid until 2040.
const VALID: Certificate = Certificate {
    names: &["localhost", "127.0.0.1"],
    not_before: (2024, 1, 1),
    not_after: (2040, 1, 1),
};

/// Issues `certificate`, signed by a fresh test CA.
fn test_pki(certificate: &Certificate) -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "faults test CA");
    let ca = ca_params.self_signed(&ca_key).expect("self-sign the CA");

    let key = KeyPair::generate().expect("server key");
    let names: Vec<String> = certificate
        .names
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    let mut params = CertificateParams::new(names).expect("server params");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let (year, month, day) = certificate.not_before;
    params.not_before = rcgen::date_time_ymd(year, month, day);
    let (year, month, day) = certificate.not_after;
    params.not_after = rcgen::date_time_ymd(year, month, day);
    let certificate = params
        .signed_by(&key, &ca, &ca_key)
        .expect("sign the server certificate");

    let chain = vec![CertificateDer::from(certificate.der().to_vec())];
    let private_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("default TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, private_key)
        .expect("server TLS config");
    TestPki {
        ca_pem: ca.pem(),
        acceptor: TlsAcceptor::from(Arc::new(server_config)),
    }
}

/// An implicit-TLS server that offers the certificate of `pki`, then speaks SMTP if the client
/// accepts it. Resolves to whether the handshake succeeded.
async fn implicit_tls_server(pki: &TestPki) -> (u16, JoinHandle<bool>) {
    let (listener, port) = loopback_listener().await;
    let acceptor = pki.acceptor.clone();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept the client");
        match acceptor.accept(tcp).await {
            Ok(mut tls) => {
                let _ = tls.write_all(b"220 scripted.test ESMTP\r\n").await;
                drain_until_closed(&mut tls).await;
                true
            }
            Err(_) => false,
        }
    });
    (port, task)
}

/// A plain server that offers STARTTLS and then presents the certificate of `pki`.
async fn starttls_server(pki: &TestPki) -> (u16, JoinHandle<bool>) {
    let (listener, port) = loopback_listener().await;
    let acceptor = pki.acceptor.clone();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept the client");
        let mut stream = BufReader::new(tcp);
        let _ = stream
            .get_mut()
            .write_all(b"220 scripted.test ESMTP\r\n")
            .await;
        loop {
            let mut line = String::new();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return false;
            }
            match verb(&line).as_str() {
                "EHLO" => {
                    let _ = stream.get_mut().write_all(EHLO_STARTTLS.as_bytes()).await;
                }
                "STARTTLS" => {
                    let _ = stream.get_mut().write_all(b"220 2.0.0 ready\r\n").await;
                    return acceptor.accept(stream.into_inner()).await.is_ok();
                }
                _ => {
                    let _ = stream
                        .get_mut()
                        .write_all(b"503 5.5.1 STARTTLS first\r\n")
                        .await;
                }
            }
        }
    });
    (port, task)
}

/// Client settings for `localhost` trusting only the public roots and `pki`'s CA.
fn tls_config(port: u16, security: ConnectionSecurity, pki: &TestPki) -> SmtpConfig {
    let mut config = config(port, security);
    config.server = ServerName::parse("localhost").expect("valid name");
    config.ca_certificate = Some(pki.ca_pem.clone());
    config
}

/// A one-connection TLS server presenting a certificate signed by a fresh test CA, and the
/// client settings that reach it under the name `localhost`, trusting that CA.
struct TlsServer {
    config: SmtpConfig,
    task: JoinHandle<bool>,
}

impl TlsServer {
    /// Issues `certificate` and serves it the way `security` expects: from the first byte
    /// (`Ssl`) or after STARTTLS (`StartTls`).
    async fn start(security: ConnectionSecurity, certificate: &Certificate) -> TlsServer {
        let pki = test_pki(certificate);
        let (port, task) = match security {
            ConnectionSecurity::Ssl => implicit_tls_server(&pki).await,
            ConnectionSecurity::StartTls => starttls_server(&pki).await,
            ConnectionSecurity::None => panic!("a TLS server is reached with Ssl or StartTls"),
        };
        TlsServer {
            config: tls_config(port, security, &pki),
            task,
        }
    }

    /// Whether the TLS handshake succeeded (waiting for the server to finish).
    async fn handshake_succeeded(self) -> bool {
        tokio::time::timeout(SERVER_FINISH, self.task)
            .await
            .expect("the TLS server finishes within 5 s after the send returned")
            .expect("the TLS server does not panic")
    }
}

#[tokio::test]
async fn ssl_to_a_server_with_an_expired_certificate_is_a_certificate_failure_saying_expired() {
    let server = TlsServer::start(ConnectionSecurity::Ssl, &EXPIRED).await;

    let (outcome, elapsed) = timed_send(&server.config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::TlsHandshake, "{failure:#?}");
    assert!(
        failure.summary.contains("expired"),
        "summary: {}",
        failure.summary
    );
    assert!(
        !server.handshake_succeeded().await,
        "the client accepted an expired certificate"
    );
}

#[tokio::test]
async fn ssl_to_a_server_whose_certificate_names_another_host_is_a_name_mismatch() {
    let server = TlsServer::start(ConnectionSecurity::Ssl, &FOR_ANOTHER_HOST).await;

    let (outcome, elapsed) = timed_send(&server.config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::TlsHandshake, "{failure:#?}");
    assert!(
        failure.summary.contains("name mismatch"),
        "summary: {}",
        failure.summary
    );
    assert!(
        !server.handshake_succeeded().await,
        "the client accepted a certificate for another name"
    );
}

#[tokio::test]
async fn start_tls_to_a_server_with_an_expired_certificate_is_a_certificate_failure_at_start_tls() {
    let server = TlsServer::start(ConnectionSecurity::StartTls, &EXPIRED).await;

    let (outcome, elapsed) = timed_send(&server.config).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::StartTls, "{failure:#?}");
    assert!(
        failure.summary.contains("expired"),
        "summary: {}",
        failure.summary
    );
    assert!(
        !server.handshake_succeeded().await,
        "the client accepted an expired certificate"
    );
}

#[tokio::test]
async fn ssl_to_a_valid_test_certificate_reaches_the_greeting() {
    let server = TlsServer::start(ConnectionSecurity::Ssl, &VALID).await;

    let (outcome, elapsed) = timed_send(&server.config).await;

    // Control for the two tests above: the same server with a good certificate gets past the
    // handshake; it then never answers EHLO.
    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Ehlo, "{failure:#?}");
    assert!(
        server.handshake_succeeded().await,
        "the handshake with a valid certificate failed"
    );
}

#[tokio::test]
async fn plain_text_sent_after_agreeing_to_starttls_is_never_taken_as_a_protected_reply() {
    let injected = "220 2.0.0 ready\r\n250-forged.test\r\n250 AUTH PLAIN LOGIN\r\n";
    let server = ScriptedServer::well_behaved_except([
        ("EHLO", Answer::Say(EHLO_STARTTLS.to_owned())),
        ("STARTTLS", Answer::SayThenStall(injected.to_owned())),
    ])
    .await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::StartTls)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::TlsHandshake, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::StartTls, "{failure:#?}");
}

#[tokio::test]
async fn a_greeting_that_never_ends_is_cut_off_instead_of_filling_memory() {
    let endless_line = "220 ".to_owned() + &"x".repeat(3 * 1024 * 1024);
    let server = ScriptedServer::start(Answer::Say(endless_line), well_behaved).await;

    let (outcome, elapsed) = timed_send(&config(server.port(), ConnectionSecurity::None)).await;

    let failure = failed_in_time(outcome, elapsed);
    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    assert!(
        failure.summary.contains("more than"),
        "summary: {}",
        failure.summary
    );
}

#[tokio::test]
async fn a_relay_the_outbound_policy_denies_is_refused_before_any_connection() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let deny = OutboundPolicy::parse_blocks("127.0.0.0/8").unwrap();
    let policy = Arc::new(OutboundPolicy::new(Vec::new(), deny, None));
    let transport = SmtpTransport::new("tests.console.test").with_policy(policy);

    let outcome = transport
        .send(&config(port, ConnectionSecurity::None), &envelope())
        .await;

    let failure = outcome.expect_err("the policy must refuse the relay");
    assert_eq!(failure.kind, FailureKind::BlockedByPolicy, "{failure:#?}");
    assert_eq!(failure.stage, SmtpStage::Resolve);
    assert!(failure.summary.contains("127.0.0.0/8"), "{failure:#?}");
    // The send is over: a connection it made would be waiting in the backlog already, and a
    // zero timeout still polls the accept once.
    let accepted = tokio::time::timeout(Duration::ZERO, listener.accept()).await;
    assert!(accepted.is_err(), "the console connected anyway");
}

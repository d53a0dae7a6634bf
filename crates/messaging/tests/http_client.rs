//! The HTTP client for SMS gateways against scripted servers on 127.0.0.1:0: the exact bytes
//! it sends, the replies it returns (any status, redirects not followed, bodies capped), and
//! every way a request can fail, each classified at the right stage within the timeout plus a
//! second.

#[path = "support/http_server.rs"]
mod http_server;
mod support;

use http_server::{
    ScriptedServer, TestPki, TlsSeen, flood, hold_until_closed, https_server, read_request,
    reply_and_close,
};
use messaging::http::{
    HttpClient, HttpFailure, HttpMethod, HttpReply, HttpRequest, HttpStage, MAX_BODY_BYTES,
};
use model::{FailureKind, ServerName};
use secrecy::SecretString;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::closed_port;
use tokio::io::AsyncWriteExt as _;
use tokio::sync::oneshot;

/// The stage timeout of the tests that wait for one to run out.
const SHORT_TIMEOUT: Duration = Duration::from_secs(1);
/// The stage timeout of the tests that expect an answer (generous for a loaded machine).
const TIMEOUT: Duration = Duration::from_secs(10);
/// A failed request must be reported within the stage timeout plus this.
const SLACK: Duration = Duration::from_secs(1);

const USER_AGENT: &str = "console-tests/1.0";
/// A Kannel-style target whose query carries a password.
const SENDSMS: &str = "/cgi-bin/sendsms?username=tester&password=p%40ss-9f3k&to=%2B41791234567\
                       &text=Hello%20world";
const OK_EMPTY: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

// ---------------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------------

/// A GET of [`SENDSMS`] from 127.0.0.1 at `port`, no extra headers, [`TIMEOUT`].
fn request(port: u16) -> HttpRequest {
    HttpRequest {
        method: HttpMethod::Get,
        https: false,
        host: ServerName::Ipv4(Ipv4Addr::LOCALHOST),
        port,
        path_and_query: SENDSMS.to_owned(),
        headers: Vec::new(),
        secret_headers: Vec::new(),
        body: None,
        timeout: TIMEOUT,
        ca_certificate: None,
    }
}

/// `request(port)` over https to `localhost`, trusting `ca_pem` if given.
fn https_request(port: u16, ca_pem: Option<&str>) -> HttpRequest {
    let mut request = request(port);
    request.https = true;
    request.host = ServerName::parse("localhost").expect("valid name");
    request.ca_certificate = ca_pem.map(str::to_owned);
    request
}

async fn timed_send(request: &HttpRequest) -> (Result<HttpReply, HttpFailure>, Duration) {
    let started = Instant::now();
    let outcome = HttpClient::new(USER_AGENT).send(request).await;
    (outcome, started.elapsed())
}

async fn reply_to(request: &HttpRequest) -> HttpReply {
    match timed_send(request).await.0 {
        Ok(reply) => reply,
        Err(failure) => panic!("expected a reply, got {failure:#?}"),
    }
}

/// The failure of a request that must fail, within its timeout plus [`SLACK`].
async fn failure_of(request: &HttpRequest) -> HttpFailure {
    let (outcome, elapsed) = timed_send(request).await;
    let failure = match outcome {
        Err(failure) => failure,
        Ok(reply) => panic!("expected a failure, got {reply:#?}"),
    };
    assert!(
        elapsed <= request.timeout + SLACK,
        "took {elapsed:?}, more than {:?} + {SLACK:?}: {failure:#?}",
        request.timeout
    );
    assert!(
        !failure.summary.contains("p%40ss") && !failure.summary.contains("sendsms"),
        "the summary must not show the path or query: {}",
        failure.summary
    );
    failure
}

/// A server that reads the request, reports it on the returned channel and answers `response`.
async fn recording_server(response: &'static [u8]) -> (ScriptedServer, oneshot::Receiver<String>) {
    let (sender, received) = oneshot::channel();
    let server = ScriptedServer::start(move |mut stream| async move {
        let request = read_request(&mut stream).await;
        let _ = sender.send(String::from_utf8_lossy(&request).into_owned());
        reply_and_close(&mut stream, response).await;
    })
    .await;
    (server, received)
}

// ---------------------------------------------------------------------------------------------
// What is sent
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_get_request_arrives_byte_for_byte_with_its_secret_header_intact() {
    let (server, received) = recording_server(OK_EMPTY).await;
    let mut request = request(server.port);
    request.headers.push(("X-Trace".into(), "trace-42".into()));
    let secret = "Basic dGVzdGVyOnMzY3JldA==";
    (request.secret_headers).push(("Authorization".into(), SecretString::from(secret)));

    let reply = reply_to(&request).await;

    let expected = format!(
        "GET {SENDSMS} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUser-Agent: {USER_AGENT}\r\n\
         Accept: */*\r\nConnection: close\r\nX-Trace: trace-42\r\nAuthorization: {secret}\r\n\r\n",
        server.port
    );
    assert_eq!(received.await.expect("the server saw a request"), expected);
    assert_eq!(reply.status, 200);
    server.finish().await;
}

#[tokio::test]
async fn a_post_request_carries_its_content_type_length_and_body() {
    let (server, received) = recording_server(OK_EMPTY).await;
    let mut request = request(server.port);
    request.method = HttpMethod::Post;
    request.path_and_query = "/2010-04-01/Accounts/AC1/Messages.json".into();
    let body = "To=%2B41791234567&From=Console&Body=Caf%C3%A9+open";
    request.body = Some((
        "application/x-www-form-urlencoded".into(),
        body.as_bytes().to_vec(),
    ));

    reply_to(&request).await;

    let expected = format!(
        "POST /2010-04-01/Accounts/AC1/Messages.json HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
         User-Agent: {USER_AGENT}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nAccept: */*\r\nConnection: close\r\n\r\n{body}",
        server.port,
        body.len()
    );
    assert_eq!(received.await.expect("the server saw a request"), expected);
    server.finish().await;
}

#[tokio::test]
async fn a_header_with_a_line_break_is_refused_before_anything_is_sent() {
    // Nothing listens there: connecting would be reported as a refused connection.
    let mut request = request(closed_port().await);
    let value = "Bearer abc\r\nX-Injected: yes";
    (request.secret_headers).push(("Authorization".into(), SecretString::from(value)));

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::SendRequest, "{failure:#?}");
    assert_eq!(failure.address, None, "{failure:#?}");
    assert!(!failure.summary.contains("abc"), "{}", failure.summary);
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_202_reply_is_returned_with_its_status_reason_type_and_body() {
    let server = ScriptedServer::answering(
        "HTTP/1.1 202 Accepted\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: 26\r\n\r\n0: Accepted for delivery\r\n",
    )
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.status, 202);
    assert_eq!(reply.reason, "Accepted");
    assert_eq!(
        reply.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.body, "0: Accepted for delivery\r\n");
    assert!(!reply.body_truncated);
    assert_eq!(reply.address.port(), server.port);
    server.finish().await;
}

#[tokio::test]
async fn a_403_with_its_own_reason_is_a_reply_not_a_failure() {
    let server = ScriptedServer::answering(
        "HTTP/1.1 403 Authorization failed for sendsms\r\nContent-Length: 12\r\n\r\nDenied, bye.",
    )
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.status, 403);
    assert_eq!(reply.reason, "Authorization failed for sendsms");
    assert_eq!(reply.body, "Denied, bye.");
    server.finish().await;
}

#[tokio::test]
async fn a_500_is_a_reply_not_a_failure() {
    let server = ScriptedServer::answering(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!",
    )
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.status, 500);
    assert_eq!(reply.reason, "Internal Server Error");
    assert_eq!(reply.body, "oops!");
    server.finish().await;
}

#[tokio::test]
async fn a_301_is_returned_with_its_location_instead_of_being_followed() {
    let server = ScriptedServer::answering(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://sms.example.net/cgi-bin/sendsms\r\n\
         Content-Length: 0\r\n\r\n",
    )
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.status, 301);
    assert_eq!(
        reply.location.as_deref(),
        Some("https://sms.example.net/cgi-bin/sendsms")
    );
    server.finish().await;
}

#[tokio::test]
async fn a_chunked_body_is_reassembled() {
    let server = ScriptedServer::answering(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
         7\r\n{\"sid\":\r\n9\r\n\"SM1234\"}\r\n0\r\n\r\n",
    )
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.body, "{\"sid\":\"SM1234\"}");
    assert!(!reply.body_truncated);
    server.finish().await;
}

#[tokio::test]
async fn a_body_of_exactly_64_kib_is_not_marked_truncated() {
    let body = "y".repeat(MAX_BODY_BYTES);
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let server = ScriptedServer::answering(response).await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.body.len(), MAX_BODY_BYTES);
    assert!(!reply.body_truncated);
    server.finish().await;
}

#[tokio::test]
async fn an_endless_body_is_cut_at_64_kib_and_the_rest_left_unread() {
    let server = ScriptedServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        // No length: the body would run until the server closes, which it never does.
        flood(&mut stream, b"HTTP/1.1 200 OK\r\n\r\n", &[b'x'; 16 * 1024]).await;
    })
    .await;

    let reply = reply_to(&request(server.port)).await;

    assert_eq!(reply.body.len(), MAX_BODY_BYTES);
    assert!(reply.body.bytes().all(|byte| byte == b'x'));
    assert!(reply.body_truncated);
    server.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Failures before a connection
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_closed_port_is_a_refused_connection_naming_host_and_port() {
    let port = closed_port().await;

    let failure = failure_of(&request(port)).await;

    assert_eq!(failure.kind, FailureKind::ConnectionRefused, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::Connect, "{failure:#?}");
    assert_eq!(
        failure.summary,
        format!("Could not connect to 127.0.0.1:{port}: connection refused.")
    );
}

#[tokio::test]
async fn an_unknown_host_name_is_host_not_found() {
    let mut request = request(13013);
    request.host = ServerName::parse("no-such-gateway.invalid").expect("valid name");

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::HostNotFound, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::Resolve, "{failure:#?}");
    assert!(
        failure.summary.contains("no-such-gateway.invalid"),
        "{}",
        failure.summary
    );
}

// ---------------------------------------------------------------------------------------------
// Stalls, hang-ups and nonsense
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_never_answers_times_out_waiting_for_the_response() {
    let server = ScriptedServer::start(|mut stream| async move {
        hold_until_closed(&mut stream).await;
    })
    .await;
    let mut request = request(server.port);
    request.timeout = SHORT_TIMEOUT;

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseHead, "{failure:#?}");
    assert!(failure.summary.contains("1 s"), "{}", failure.summary);
    server.finish().await;
}

#[tokio::test]
async fn a_server_that_sends_half_a_head_then_stalls_times_out_waiting_for_the_response() {
    let server = ScriptedServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Ty").await;
        hold_until_closed(&mut stream).await;
    })
    .await;
    let mut request = request(server.port);
    request.timeout = SHORT_TIMEOUT;

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseHead, "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn a_server_that_stalls_in_the_middle_of_the_body_times_out_reading_it() {
    let server = ScriptedServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
        let _ = stream.write_all(head).await;
        hold_until_closed(&mut stream).await;
    })
    .await;
    let mut request = request(server.port);
    request.timeout = SHORT_TIMEOUT;

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseBody, "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn a_server_that_never_reads_a_large_request_times_out_sending_it() {
    let (stop, stopped) = oneshot::channel::<()>();
    // Accepts, never reads, and keeps the socket open until the test is done with it.
    let server = ScriptedServer::start(|stream| async move {
        let _ = stopped.await;
        drop(stream);
    })
    .await;
    let mut request = request(server.port);
    request.method = HttpMethod::Post;
    request.timeout = SHORT_TIMEOUT;
    request.body = Some(("text/plain".into(), vec![b'z'; 64 * 1024 * 1024]));

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::SendRequest, "{failure:#?}");
    let _ = stop.send(());
    server.finish().await;
}

#[tokio::test]
async fn a_server_that_hangs_up_without_answering_is_a_closed_connection() {
    let server = ScriptedServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        drop(stream);
    })
    .await;

    let failure = failure_of(&request(server.port)).await;

    assert_eq!(failure.kind, FailureKind::ConnectionClosed, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseHead, "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn something_other_than_http_is_a_protocol_failure() {
    let server = ScriptedServer::start(|mut stream| async move {
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        hold_until_closed(&mut stream).await;
    })
    .await;

    let failure = failure_of(&request(server.port)).await;

    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseHead, "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn a_flood_of_headers_is_a_protocol_failure_not_memory_growth() {
    let server = ScriptedServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let line = b"X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        flood(&mut stream, b"HTTP/1.1 200 OK\r\n", line).await;
    })
    .await;

    let failure = failure_of(&request(server.port)).await;

    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::ResponseHead, "{failure:#?}");
    assert!(
        failure.summary.contains("larger than 16 KiB"),
        "{}",
        failure.summary
    );
    server.finish().await;
}

// ---------------------------------------------------------------------------------------------
// HTTPS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn https_to_a_server_signed_by_the_trusted_test_ca_succeeds_with_sni_and_alpn() {
    let pki = TestPki::issue(&["localhost", "127.0.0.1"]);
    let (seen, report) = oneshot::channel();
    let response = b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nOK";
    let server = https_server(&pki, response, seen).await;

    let reply = reply_to(&https_request(server.port, Some(&pki.ca_pem))).await;

    assert_eq!((reply.status, reply.body.as_str()), (202, "OK"));
    let report: TlsSeen = report.await.expect("the server reports");
    assert_eq!(report.server_name.as_deref(), Some("localhost"));
    assert_eq!(report.alpn.as_deref(), Some(&b"http/1.1"[..]));
    let request_line = format!(
        "GET {SENDSMS} HTTP/1.1\r\nHost: localhost:{}\r\n",
        server.port
    );
    let received = String::from_utf8_lossy(&report.request).into_owned();
    assert!(received.starts_with(&request_line), "{received}");
    server.finish().await;
}

#[tokio::test]
async fn https_to_an_ip_address_sends_no_sni_and_checks_the_address() {
    let pki = TestPki::issue(&["127.0.0.1"]);
    let (seen, report) = oneshot::channel();
    let server = https_server(&pki, OK_EMPTY, seen).await;
    let mut request = https_request(server.port, Some(&pki.ca_pem));
    request.host = ServerName::Ipv4(Ipv4Addr::LOCALHOST);

    let reply = reply_to(&request).await;

    assert_eq!(reply.status, 200);
    let report = report.await.expect("the server reports");
    assert!(report.accepted);
    assert_eq!(report.server_name, None);
    server.finish().await;
}

#[tokio::test]
async fn https_without_trusting_the_test_ca_is_a_certificate_failure() {
    let pki = TestPki::issue(&["localhost"]);
    let (seen, report) = oneshot::channel();
    let server = https_server(&pki, OK_EMPTY, seen).await;

    let failure = failure_of(&https_request(server.port, None)).await;

    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::Tls, "{failure:#?}");
    assert!(
        failure.summary.contains("unknown issuer"),
        "{}",
        failure.summary
    );
    assert!(!report.await.expect("the server reports").accepted);
    server.finish().await;
}

#[tokio::test]
async fn https_to_a_certificate_for_another_name_is_a_certificate_failure() {
    let pki = TestPki::issue(&["other.invalid"]);
    let (seen, report) = oneshot::channel();
    let server = https_server(&pki, OK_EMPTY, seen).await;

    let failure = failure_of(&https_request(server.port, Some(&pki.ca_pem))).await;

    assert_eq!(failure.kind, FailureKind::Certificate, "{failure:#?}");
    assert!(
        failure.summary.contains("name mismatch"),
        "{}",
        failure.summary
    );
    assert!(!report.await.expect("the server reports").accepted);
    server.finish().await;
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_a_tls_failure_suggesting_http() {
    // A plain web server answers a TLS ClientHello with 400 Bad Request.
    let server = ScriptedServer::start(|mut stream| async move {
        let mut hello = [0u8; 1];
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut hello).await;
        let response = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
        reply_and_close(&mut stream, response).await;
        hold_until_closed(&mut stream).await;
    })
    .await;

    let failure = failure_of(&https_request(server.port, None)).await;

    assert_eq!(failure.kind, FailureKind::TlsHandshake, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::Tls, "{failure:#?}");
    let hint = failure.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("does not speak TLS on this port: use http://"),
        "{hint}"
    );
    server.finish().await;
}

#[tokio::test]
async fn plain_http_to_an_https_server_is_a_protocol_failure_suggesting_https() {
    let pki = TestPki::issue(&["localhost"]);
    let (seen, _report) = oneshot::channel();
    let server = https_server(&pki, OK_EMPTY, seen).await;
    let mut request = https_request(server.port, Some(&pki.ca_pem));
    request.https = false;

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Protocol, "{failure:#?}");
    let hint = failure.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("use https://"), "{failure:#?}");
    server.finish().await;
}

#[tokio::test]
async fn a_server_that_stalls_in_the_tls_handshake_times_out_there() {
    let server = ScriptedServer::start(|mut stream| async move {
        hold_until_closed(&mut stream).await;
    })
    .await;
    let mut request = https_request(server.port, None);
    request.timeout = SHORT_TIMEOUT;

    let failure = failure_of(&request).await;

    assert_eq!(failure.kind, FailureKind::Timeout, "{failure:#?}");
    assert_eq!(failure.stage, HttpStage::Tls, "{failure:#?}");
    server.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn one_debug_line_is_logged_without_the_query_or_header_values() {
    let (server, _received) = recording_server(OK_EMPTY).await;
    let mut request = request(server.port);
    request
        .headers
        .push(("X-Api-Key".into(), "visible-key-77".into()));
    let secret = SecretString::from("Bearer secret-token-88");
    request
        .secret_headers
        .push(("Authorization".into(), secret));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let recorder = log_capture::Recorder(Arc::clone(&lines));

    let guard = tracing::subscriber::set_default(recorder);
    let reply = reply_to(&request).await;
    drop(guard);

    assert_eq!(reply.status, 200);
    let lines = lines.lock().expect("log lines").clone();
    let ours: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("HTTP request"))
        .collect();
    assert_eq!(ours.len(), 1, "{lines:#?}");
    let line = ours[0];
    assert!(
        line.contains("status=200") && line.contains("GET"),
        "{line}"
    );
    for secret in ["p%40ss", "sendsms", "visible-key-77", "secret-token-88"] {
        assert!(lines.iter().all(|l| !l.contains(secret)), "{lines:#?}");
    }
    server.finish().await;
}

/// A minimal tracing subscriber that records every event's fields as one line.
mod log_capture {
    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    pub struct Recorder(pub Arc<Mutex<Vec<String>>>);

    struct Line(String);

    impl Visit for Line {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut line = Line(format!("span {}", span.metadata().name()));
            span.record(&mut line);
            self.0.lock().expect("log lines").push(line.0);
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut line = Line("record".to_owned());
            values.record(&mut line);
            self.0.lock().expect("log lines").push(line.0);
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = Line(format!("{}", event.metadata().level()));
            event.record(&mut line);
            self.0.lock().expect("log lines").push(line.0);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

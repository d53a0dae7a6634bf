//! Scripted one-connection HTTP (and HTTPS) servers on 127.0.0.1:0 for the HTTP client tests,
//! and a throwaway test PKI made with rcgen. Each server accepts one connection and hands it to
//! a script; the script says everything the server does, so a test can make it answer, stall,
//! hang up or misbehave. Servers that stall keep the socket open until the client hangs up:
//! nothing here sleeps.

// Not every test uses every helper.
#![allow(dead_code)]

use crate::support::loopback_listener;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// Longest wait for a scripted server to finish once the client is done.
const SERVER_FINISH: Duration = Duration::from_secs(5);

/// Most bytes a scripted server reads as one request.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// A server that accepts one connection on 127.0.0.1 and runs a script on it.
pub struct ScriptedServer {
    /// The port it listens on.
    pub port: u16,
    task: JoinHandle<()>,
}

impl ScriptedServer {
    /// Listens on a free port and runs `script` on the first connection.
    pub async fn start<F, Fut>(script: F) -> ScriptedServer
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (listener, port) = loopback_listener().await;
        let task = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept the client");
            script(stream).await;
        });
        ScriptedServer { port, task }
    }

    /// A server that reads the request and answers with `response` (raw bytes), then closes.
    pub async fn answering(response: impl Into<Vec<u8>>) -> ScriptedServer {
        let response = response.into();
        ScriptedServer::start(move |mut stream| async move {
            read_request(&mut stream).await;
            reply_and_close(&mut stream, &response).await;
        })
        .await
    }

    /// Waits (bounded) for the script to end; panics if it panicked or never ends.
    pub async fn finish(self) {
        tokio::time::timeout(SERVER_FINISH, self.task)
            .await
            .expect("the scripted server finishes within 5 s after the request returned")
            .expect("the scripted server does not panic");
    }
}

/// Reads one request: the head up to the empty line, then as many body bytes as its
/// `Content-Length` says. Returns what was read (all of it if the client hangs up early).
pub async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(head_end) = find(&received, b"\r\n\r\n") {
            let wanted = head_end + 4 + content_length(&received[..head_end]);
            if received.len() >= wanted || received.len() >= MAX_REQUEST_BYTES {
                return received;
            }
        }
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return received,
            Ok(count) => received.extend_from_slice(&buffer[..count]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Writes `response` and closes the sending side.
pub async fn reply_and_close<S: AsyncWrite + Unpin>(stream: &mut S, response: &[u8]) {
    let _ = stream.write_all(response).await;
    let _ = stream.shutdown().await;
}

/// Reads and discards (including a TLS ClientHello) until the client hangs up.
pub async fn hold_until_closed<S: AsyncRead + Unpin>(stream: &mut S) {
    let mut buffer = [0u8; 4096];
    while let Ok(count) = stream.read(&mut buffer).await {
        if count == 0 {
            return;
        }
    }
}

/// Writes `first`, then `chunk` again and again until the client stops taking it.
pub async fn flood<S: AsyncWrite + Unpin>(stream: &mut S, first: &[u8], chunk: &[u8]) {
    if stream.write_all(first).await.is_err() {
        return;
    }
    while stream.write_all(chunk).await.is_ok() {}
}

/// A test CA and a server certificate it signed, ready to serve.
pub struct TestPki {
    /// The CA certificate, PEM: what the client must trust.
    pub ca_pem: String,
    /// Presents the server certificate, offering ALPN `http/1.1`.
    pub acceptor: TlsAcceptor,
}

impl TestPki {
    /// A fresh CA and a certificate for `names` (DNS names or IP addresses), valid from 2024
    /// to 2040.
    pub fn issue(names: &[&str]) -> TestPki {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, KeyUsagePurpose};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "http client test CA");
        let ca = ca_params.self_signed(&ca_key).expect("self-sign the CA");

        let key = KeyPair::generate().expect("server key");
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("server params");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        params.not_before = rcgen::date_time_ymd(2024, 1, 1);
        params.not_after = rcgen::date_time_ymd(2040, 1, 1);
        let certificate = params
            .signed_by(&key, &ca, &ca_key)
            .expect("sign the server certificate");

        let chain = vec![CertificateDer::from(certificate.der().to_vec())];
        let private_key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("default TLS versions")
            .with_no_client_auth()
            .with_single_cert(chain, private_key)
            .expect("server TLS config");
        server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TestPki {
            ca_pem: ca.pem(),
            acceptor: TlsAcceptor::from(Arc::new(server_config)),
        }
    }
}

/// What an HTTPS server saw of the client's TLS handshake.
#[derive(Debug, Default)]
pub struct TlsSeen {
    /// The handshake succeeded.
    pub accepted: bool,
    /// The name sent in SNI, if any.
    pub server_name: Option<String>,
    /// The protocol agreed with ALPN, if any.
    pub alpn: Option<Vec<u8>>,
    /// The request received over TLS.
    pub request: Vec<u8>,
}

/// A server presenting `pki`'s certificate; after a successful handshake it reads the request
/// and answers `response`. What it saw is sent on `seen` (also after a failed handshake).
pub async fn https_server(
    pki: &TestPki,
    response: &'static [u8],
    seen: tokio::sync::oneshot::Sender<TlsSeen>,
) -> ScriptedServer {
    let acceptor = pki.acceptor.clone();
    ScriptedServer::start(move |tcp| async move {
        let mut report = TlsSeen::default();
        if let Ok(mut tls) = acceptor.accept(tcp).await {
            let (_, connection) = tls.get_ref();
            report.accepted = true;
            report.server_name = connection.server_name().map(str::to_owned);
            report.alpn = connection.alpn_protocol().map(<[u8]>::to_vec);
            report.request = read_request(&mut tls).await;
            reply_and_close(&mut tls, response).await;
        }
        let _ = seen.send(report);
    })
    .await
}

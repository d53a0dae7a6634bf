//! A recording HTTP receiver on 127.0.0.1:0 that stands in for an SMS gateway: it reads each
//! request completely (head, then as many body bytes as `Content-Length` says), records it
//! exactly as received, and answers with the reply the test scripted, or never answers. The
//! recorded request decodes the way a gateway would: the query and form bodies as
//! `application/x-www-form-urlencoded` (`+` is a space), JSON with serde_json, basic
//! credentials from base64. Nothing here sleeps.

use super::loopback_listener;
use base64::Engine as _;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Most bytes of a request head the receiver reads.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most bytes of a request body the receiver reads.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest wait for a request that the service's call already returned from.
const REQUEST_WAIT: Duration = Duration::from_secs(5);

/// What the receiver does once it has read a request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Answers with this status, extra headers and body, then closes the connection.
    Reply {
        /// The HTTP status.
        status: u16,
        /// Headers after `Content-Length` and `Connection: close`.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Never answers; keeps the connection open until the client hangs up.
    Stall,
}

impl Answer {
    /// `status` with a JSON body.
    pub fn json(status: u16, body: &str) -> Answer {
        Answer::with_type(status, "application/json", body)
    }

    /// `status` with a plain-text body.
    pub fn text(status: u16, body: &str) -> Answer {
        Answer::with_type(status, "text/plain; charset=utf-8", body)
    }

    /// A redirect to `location`, without a body.
    pub fn redirect(status: u16, location: &str) -> Answer {
        Answer::Reply {
            status,
            headers: vec![("Location".to_owned(), location.to_owned())],
            body: String::new(),
        }
    }

    fn with_type(status: u16, content_type: &str, body: &str) -> Answer {
        Answer::Reply {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.to_owned(),
        }
    }
}

/// A receiver listening on 127.0.0.1; it stops listening when dropped.
pub struct Receiver {
    /// The port it listens on.
    pub port: u16,
    requests: mpsc::UnboundedReceiver<Recorded>,
    task: JoinHandle<()>,
}

impl Receiver {
    /// Listens on a free port and gives every request `answer`.
    pub async fn start(answer: Answer) -> Receiver {
        let (listener, port) = loopback_listener().await;
        let (record, requests) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, answer.clone(), record.clone()));
            }
        });
        Receiver {
            port,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The one request received, once the call that made it has returned: panics if none came
    /// or more than one did.
    pub async fn only_request(&mut self) -> Recorded {
        let request = tokio::time::timeout(REQUEST_WAIT, self.requests.recv())
            .await
            .expect("the receiver got a request")
            .expect("the receiver is running");
        if let Ok(another) = self.requests.try_recv() {
            panic!("the gateway got a second request: {another:#?}");
        }
        request
    }

    /// The next request, which something else (such as Kannel calling back) is to make within
    /// `within`; panics when none comes.
    pub async fn next_request(&mut self, within: Duration) -> Recorded {
        tokio::time::timeout(within, self.requests.recv())
            .await
            .unwrap_or_else(|_| panic!("no request arrived within {within:?}"))
            .expect("the receiver is running")
    }

    /// Panics if a request arrived (checked once the call that could have made it returned).
    pub fn assert_no_request(&mut self) {
        if let Ok(request) = self.requests.try_recv() {
            panic!("a request arrived: {request:#?}");
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, answer: Answer, record: mpsc::UnboundedSender<Recorded>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    // Recorded before answering: once the client has its reply, the request is in the channel.
    let _ = record.send(request);
    match answer {
        Answer::Reply {
            status,
            headers,
            body,
        } => {
            let mut response = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str("\r\n");
            response.push_str(&body);
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Answer::Stall => {
            let mut buffer = [0u8; 1024];
            while let Ok(count) = stream.read(&mut buffer).await {
                if count == 0 {
                    break;
                }
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

/// Reads one request; `None` when the client hangs up before the head is complete.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Recorded> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&received, b"\r\n\r\n") {
            break end;
        }
        assert!(
            received.len() <= MAX_HEAD_BYTES,
            "request head over {MAX_HEAD_BYTES} bytes"
        );
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(count) => received.extend_from_slice(&buffer[..count]),
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let version = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut recorded = Recorded {
        method,
        target,
        version,
        headers,
        body: received[head_end + 4..].to_vec(),
    };
    assert!(
        recorded.header("Transfer-Encoding").is_none(),
        "the client must send a fixed-length body: {recorded:#?}"
    );
    let length: usize = recorded
        .header("Content-Length")
        .map(|value| value.parse().expect("Content-Length is a number"))
        .unwrap_or(0);
    assert!(length <= MAX_BODY_BYTES, "body over {MAX_BODY_BYTES} bytes");
    while recorded.body.len() < length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(count) => recorded.body.extend_from_slice(&buffer[..count]),
        }
    }
    Some(recorded)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// One request exactly as the receiver read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Every header in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes (`Content-Length` of them).
    pub body: Vec<u8>,
}

impl Recorded {
    /// The path of the target.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The value of the header `name` (any case); panics if it is sent more than once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect();
        assert!(
            values.len() <= 1,
            "the header {name} is sent more than once: {:#?}",
            self.headers
        );
        values.first().copied()
    }

    /// Every value of the header `name` (any case).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The query, decoded as a form: name and value pairs in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self
            .target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default();
        form_decode(query)
    }

    /// The body, decoded as `application/x-www-form-urlencoded`.
    pub fn form(&self) -> Vec<(String, String)> {
        let body = std::str::from_utf8(&self.body).expect("a form body is ASCII");
        form_decode(body)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "the body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// User name and password of `Authorization: Basic …`.
    pub fn basic_credentials(&self) -> (String, String) {
        let value = self
            .header("Authorization")
            .expect("an Authorization header");
        let encoded = value
            .strip_prefix("Basic ")
            .unwrap_or_else(|| panic!("not basic authentication: {value}"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64 credentials");
        let decoded = String::from_utf8(decoded).expect("UTF-8 credentials");
        let (user, password) = decoded.split_once(':').expect("user:password");
        (user.to_owned(), password.to_owned())
    }
}

/// The one value of `name` among `pairs`; panics when it is missing or repeated.
pub fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<&str> = pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect();
    match found.as_slice() {
        [one] => one,
        _ => panic!("expected one {name:?} among {pairs:#?}"),
    }
}

/// `application/x-www-form-urlencoded` decoding: pairs split at `&` and the first `=`, `+` as
/// a space, `%XX` as a byte, the bytes read as UTF-8 (panics when they are not).
fn form_decode(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(index + 1..index + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .unwrap_or_else(|| panic!("a bad %-escape in {input:?}"));
                out.push(hex);
                index += 2;
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| panic!("{input:?} does not decode to UTF-8"))
}

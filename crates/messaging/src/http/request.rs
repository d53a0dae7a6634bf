//! One outbound request as the SMS gateway senders describe it, and its translation into the
//! exact HTTP/1.1 message sent: request line, the client's own headers, then the caller's.
//! Nothing here prints the path, the query or a header value: they may carry passwords.

use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use model::ServerName;
use secrecy::{ExposeSecret as _, SecretString};
use std::fmt;
use std::time::Duration;

/// The request methods the gateways need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// GET, parameters in the query (Kannel's sendsms).
    Get,
    /// POST, parameters in the body.
    Post,
}

impl HttpMethod {
    /// The method as it appears in the request line.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }

    fn to_hyper(self) -> hyper::Method {
        match self {
            HttpMethod::Get => hyper::Method::GET,
            HttpMethod::Post => hyper::Method::POST,
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything needed to send one request. `Debug` shows neither the path and query nor any
/// header value nor the body.
#[derive(Clone)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: HttpMethod,
    /// True for https (TLS from the first byte), false for plain http.
    pub https: bool,
    /// The server's validated name or address.
    pub host: ServerName,
    /// TCP port.
    pub port: u16,
    /// The request target, already percent-encoded, starting with `/`.
    pub path_and_query: String,
    /// Extra headers (not secret). `User-Agent` and `Accept` replace the client's defaults;
    /// the framing headers (`Host`, `Content-Length`, `Content-Type`, `Connection`, …) are
    /// the client's own and are refused.
    pub headers: Vec<(String, String)>,
    /// Headers whose values are secret (e.g. `Authorization`): marked sensitive, never logged.
    pub secret_headers: Vec<(String, SecretString)>,
    /// The body and its content type.
    pub body: Option<(String, Vec<u8>)>,
    /// The longest any single stage may take (capped at [`super::MAX_TIMEOUT`]).
    pub timeout: Duration,
    /// Extra CA certificate(s) to trust for https, PEM.
    pub ca_certificate: Option<String>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |headers: &mut dyn Iterator<Item = &String>| {
            headers.map(String::as_str).collect::<Vec<_>>().join(", ")
        };
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("https", &self.https)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path_and_query", &"<redacted>")
            .field("headers", &names(&mut self.headers.iter().map(|h| &h.0)))
            .field(
                "secret_headers",
                &names(&mut self.secret_headers.iter().map(|h| &h.0)),
            )
            .field(
                "body",
                &self.body.as_ref().map(|(kind, bytes)| (kind, bytes.len())),
            )
            .field("timeout", &self.timeout)
            .field("ca_certificate", &self.ca_certificate.is_some())
            .finish()
    }
}

/// Why a request cannot be sent as it is. The messages name headers but never their values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The path and query do not form an HTTP request target.
    #[error(
        "the request path must start with '/' and contain only characters allowed in a URL \
         (percent-encode the others)"
    )]
    Path,
    /// The host cannot go into a `Host` header.
    #[error("the host name cannot be used in an HTTP Host header")]
    Host,
    /// A header name is not an HTTP token.
    #[error("'{0}' is not a valid HTTP header name")]
    HeaderName(String),
    /// A header value has a line break, a control character or a non-ASCII character.
    #[error(
        "the value of the header {0} is not valid in HTTP (line breaks, control characters and \
         non-ASCII characters are not allowed)"
    )]
    HeaderValue(String),
    /// A header the client sets itself.
    #[error("the header {0} is set by the HTTP client itself and cannot be added")]
    Reserved(String),
    /// The body's content type is not a valid header value.
    #[error("the body's content type is not valid in an HTTP header")]
    ContentType,
}

/// Headers that frame the message or the connection; only the client sets them.
const RESERVED: [&str; 10] = [
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

impl HttpRequest {
    /// Checks that the request can be sent: the same checks [`super::HttpClient::send`]
    /// makes before it connects.
    pub fn validate(&self) -> Result<(), RequestError> {
        let user_agent = HeaderValue::from_static("check");
        self.to_hyper(&user_agent).map(|_| ())
    }

    /// `host` or `host:port` when the port is not the scheme's default.
    pub(super) fn authority(&self) -> String {
        let default_port = if self.https { 443 } else { 80 };
        if self.port == default_port {
            self.host.to_string()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The message hyper sends, headers in this order: Host, User-Agent, Content-Type and
    /// Content-Length (with a body, or Content-Length: 0 for a POST without one), Accept,
    /// Connection, then the caller's headers and secret headers.
    pub(super) fn to_hyper(
        &self,
        user_agent: &HeaderValue,
    ) -> Result<hyper::Request<http_body_util::Full<Bytes>>, RequestError> {
        let uri = self.target()?;
        let mut headers = HeaderMap::new();
        let host = HeaderValue::from_str(&self.authority()).map_err(|_| RequestError::Host)?;
        headers.insert(header::HOST, host);
        headers.insert(header::USER_AGENT, user_agent.clone());
        let body = match &self.body {
            Some((content_type, bytes)) => {
                let content_type =
                    HeaderValue::from_str(content_type).map_err(|_| RequestError::ContentType)?;
                headers.insert(header::CONTENT_TYPE, content_type);
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                Bytes::from(bytes.clone())
            }
            None => {
                if self.method == HttpMethod::Post {
                    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(0u16));
                }
                Bytes::new()
            }
        };
        headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));

        let plain = self.headers.iter().map(|(n, v)| (n, v.as_str(), false));
        let secret = (self.secret_headers.iter()).map(|(n, v)| (n, v.expose_secret(), true));
        for (name, value, sensitive) in plain.chain(secret) {
            let (name, value) = caller_header(name, value, sensitive)?;
            if name == header::USER_AGENT || name == header::ACCEPT {
                headers.insert(name, value);
            } else {
                headers.append(name, value);
            }
        }

        let mut request = hyper::Request::new(http_body_util::Full::new(body));
        *request.method_mut() = self.method.to_hyper();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    fn target(&self) -> Result<hyper::Uri, RequestError> {
        if !self.path_and_query.starts_with('/') {
            return Err(RequestError::Path);
        }
        let uri =
            hyper::Uri::try_from(self.path_and_query.as_str()).map_err(|_| RequestError::Path)?;
        if uri.scheme().is_some() || uri.authority().is_some() {
            return Err(RequestError::Path);
        }
        Ok(uri)
    }
}

fn caller_header(
    name: &str,
    value: &str,
    sensitive: bool,
) -> Result<(HeaderName, HeaderValue), RequestError> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| RequestError::HeaderName(excerpt(name)))?;
    if RESERVED.contains(&name.as_str()) {
        return Err(RequestError::Reserved(name.to_string()));
    }
    let mut value =
        HeaderValue::from_str(value).map_err(|_| RequestError::HeaderValue(name.to_string()))?;
    value.set_sensitive(sensitive);
    Ok((name, value))
}

/// A header name that is not one, quoted safely and cut short.
fn excerpt(name: &str) -> String {
    const MAX_CHARS: usize = 40;
    let escaped: String = name.escape_default().collect();
    if escaped.chars().count() <= MAX_CHARS {
        escaped
    } else {
        format!("{}…", escaped.chars().take(MAX_CHARS).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> HttpRequest {
        HttpRequest {
            method: HttpMethod::Get,
            https: false,
            host: ServerName::parse("sms.example.net").unwrap(),
            port: 13013,
            path_and_query: path.to_owned(),
            headers: Vec::new(),
            secret_headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(10),
            ca_certificate: None,
        }
    }

    #[test]
    fn debug_output_hides_the_query_and_header_values() {
        let mut request = request("/cgi-bin/sendsms?username=u&password=hunter2");
        request
            .headers
            .push(("X-Api-Key".into(), "key-value-1".into()));
        request
            .secret_headers
            .push(("Authorization".into(), "Basic c2VjcmV0".into()));

        let debug = format!("{request:?}");

        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("key-value-1"), "{debug}");
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
        assert!(debug.contains("Authorization"), "{debug}");
    }

    #[test]
    fn the_port_is_left_out_of_the_host_header_when_it_is_the_default() {
        let mut request = request("/");
        request.port = 80;
        assert_eq!(request.authority(), "sms.example.net");
        request.https = true;
        assert_eq!(request.authority(), "sms.example.net:80");
        request.host = ServerName::parse("::1").unwrap();
        request.port = 8443;
        assert_eq!(request.authority(), "[::1]:8443");
    }

    #[test]
    fn a_path_without_a_leading_slash_or_with_a_space_is_refused() {
        assert_eq!(request("sendsms").validate(), Err(RequestError::Path));
        assert_eq!(request("/send sms").validate(), Err(RequestError::Path));
        assert_eq!(request("http://other/").validate(), Err(RequestError::Path));
        assert_eq!(request("/cgi-bin/sendsms?to=%2B41").validate(), Ok(()));
    }

    #[test]
    fn a_header_value_with_a_line_break_is_refused_without_quoting_the_value() {
        let mut request = request("/");
        let value = "secret\r\nX-Injected: 1";
        request
            .secret_headers
            .push(("Authorization".into(), value.into()));

        let error = request.validate().unwrap_err();

        assert_eq!(error, RequestError::HeaderValue("authorization".into()));
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn framing_headers_and_bad_names_are_refused() {
        let mut request = request("/");
        request.headers.push(("Content-Length".into(), "5".into()));
        assert_eq!(
            request.validate(),
            Err(RequestError::Reserved("content-length".into()))
        );
        request.headers[0] = ("Bad Name".into(), "1".into());
        assert_eq!(
            request.validate(),
            Err(RequestError::HeaderName("Bad Name".into()))
        );
    }

    #[test]
    fn secret_headers_are_marked_sensitive_and_accept_can_be_replaced() {
        let mut request = request("/");
        request
            .headers
            .push(("Accept".into(), "application/json".into()));
        request
            .secret_headers
            .push(("Authorization".into(), "Bearer t".into()));

        let built = request.to_hyper(&HeaderValue::from_static("ua")).unwrap();

        let headers = built.headers();
        assert!(headers[header::AUTHORIZATION].is_sensitive());
        assert_eq!(headers.get_all(header::ACCEPT).iter().count(), 1);
        assert_eq!(headers[header::ACCEPT], "application/json");
    }
}

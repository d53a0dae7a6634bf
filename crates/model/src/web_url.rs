//! `http://` and `https://` URLs of SMS gateways, checked the same way in the browser and on the
//! server.
//!
//! Deliberately narrower than the URL standard: only the two schemes a gateway speaks, no user
//! name or password inside the URL (they belong in the authentication fields, where they are
//! kept secret), no fragment, and a path and query that are already valid on the wire (spaces
//! and non-ASCII letters must be percent-encoded). The host follows the same rules as the SMTP
//! server name, so an internationalised name becomes punycode.

use crate::host::{self, ServerName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest URL an admin may type, in characters.
pub const MAX_URL_CHARS: usize = 2048;
/// Longest URL a template may produce once a message is filled in: ten UCS-2 segments of
/// emoji, percent-encoded, stay well below it.
pub const MAX_RENDERED_URL_CHARS: usize = 64 * 1024;

/// A checked gateway URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebUrl {
    https: bool,
    host: ServerName,
    port: Option<u16>,
    path: String,
    query: Option<String>,
}

impl WebUrl {
    /// Parses a URL as typed; surrounding spaces are ignored.
    pub fn parse(input: &str) -> Result<WebUrl, String> {
        Self::parse_within(input, MAX_URL_CHARS)
    }

    /// Parses a URL a template produced, whose query carries a whole message.
    pub fn parse_rendered(input: &str) -> Result<WebUrl, String> {
        Self::parse_within(input, MAX_RENDERED_URL_CHARS)
    }

    fn parse_within(input: &str, max_chars: usize) -> Result<WebUrl, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter the URL, such as https://sms.example.net/send".to_owned());
        }
        if trimmed.chars().count() > max_chars {
            return Err(format!("The URL may have at most {max_chars} characters"));
        }
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or("Start the URL with http:// or https://")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err("Only http:// and https:// URLs can be used".to_owned()),
        };
        if rest.contains('#') {
            return Err("Remove the #fragment: it is never sent to the server".to_owned());
        }
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path_and_query) = rest.split_at(authority_end);
        if authority.contains('@') {
            return Err(
                "Put the user name and password in the authentication fields, not in \
                        the URL, where they would be shown and logged"
                    .to_owned(),
            );
        }
        let (host, port) = split_authority(authority)?;
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        check_wire_text(path, "path")?;
        if let Some(query) = query {
            check_wire_text(query, "query")?;
        }
        Ok(WebUrl {
            https,
            host,
            port,
            path: if path.is_empty() { "/" } else { path }.to_owned(),
            query: query.filter(|query| !query.is_empty()).map(str::to_owned),
        })
    }

    /// True for `https://`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host.
    pub fn host(&self) -> &ServerName {
        &self.host
    }

    /// The port to connect to: the one written, else 443 or 80.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.https { 443 } else { 80 })
    }

    /// The path, always starting with `/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query without its `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The same URL with another path and no query.
    pub fn with_path(&self, path: &str) -> WebUrl {
        WebUrl {
            path: path.to_owned(),
            query: None,
            ..self.clone()
        }
    }

    /// Path and query as sent in the request line.
    pub fn path_and_query(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// Scheme, host and port, e.g. `https://sms.example.net:8443`: where a secret may go.
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        match self.port {
            Some(port) => format!("{scheme}://{}:{port}", self.host_for_url()),
            None => format!("{scheme}://{}", self.host_for_url()),
        }
    }

    /// The URL without its query, which may carry credentials: safe to show in results and
    /// logs.
    pub fn without_query(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }

    fn host_for_url(&self) -> String {
        match &self.host {
            ServerName::Ipv6(address) => format!("[{address}]"),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path_and_query())
    }
}

impl TryFrom<String> for WebUrl {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        WebUrl::parse(&value)
    }
}

impl From<WebUrl> for String {
    fn from(url: WebUrl) -> Self {
        url.to_string()
    }
}

fn split_authority(authority: &str) -> Result<(ServerName, Option<u16>), String> {
    if authority.is_empty() {
        return Err("Enter the server's name or address after ://".to_owned());
    }
    let (host, port) = if authority.starts_with('[') {
        match authority.split_once(']') {
            Some((inside, after)) => (&authority[..inside.len() + 1], after.strip_prefix(':')),
            None => return Err("The IPv6 address has an opening '[' but no closing ']'".into()),
        }
    } else if authority.matches(':').count() > 1 {
        return Err("Write an IPv6 address in brackets, such as https://[2001:db8::1]/".into());
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let host = ServerName::parse(host)?;
    let port = match port {
        None => None,
        Some(port) => Some(parse_port(port)?),
    };
    Ok((host, port))
}

fn parse_port(port: &str) -> Result<u16, String> {
    match port.parse::<u16>() {
        Ok(0) | Err(_) if !port.is_empty() => Err(format!(
            "'{}' is not a port: use a number from 1 to 65535",
            host::excerpt(port)
        )),
        Ok(port) => Ok(port),
        Err(_) => Err("Enter the port after the ':' or remove the ':'".to_owned()),
    }
}

/// Path and query must already be what goes on the wire: printable ASCII, valid `%XX` escapes.
fn check_wire_text(text: &str, part: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    for (index, character) in text.char_indices() {
        match character {
            ' ' => return Err(format!("The {part} contains a space: write it as %20")),
            '%' => {
                let escape = bytes.get(index + 1..index + 3);
                if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    return Err(format!(
                        "The {part} has a '%' that does not start an escape such as %20: \
                         write a literal % as %25"
                    ));
                }
            }
            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                return Err(format!(
                    "The {part} contains '{character}', which URLs cannot carry: write it as \
                     %{:02X}",
                    character as u32
                ));
            }
            c if c.is_ascii_control() || !c.is_ascii() => {
                return Err(format!(
                    "The {part} contains '{}', which must be percent-encoded (UTF-8) in a URL",
                    c.escape_default()
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_http_url_keeps_every_part() {
        let url = WebUrl::parse(" http://127.0.0.1:13013/cgi-bin/sendsms?x=1 ").unwrap();

        assert!(!url.is_https());
        assert_eq!(url.host(), &ServerName::Ipv4([127, 0, 0, 1].into()));
        assert_eq!(url.port(), 13013);
        assert_eq!(url.path(), "/cgi-bin/sendsms");
        assert_eq!(url.query(), Some("x=1"));
        assert_eq!(
            url.to_string(),
            "http://127.0.0.1:13013/cgi-bin/sendsms?x=1"
        );
    }

    #[test]
    fn default_ports_follow_the_scheme() {
        assert_eq!(
            WebUrl::parse("https://api.example.net").unwrap().port(),
            443
        );
        assert_eq!(WebUrl::parse("HTTP://api.example.net").unwrap().port(), 80);
    }

    #[test]
    fn an_empty_path_becomes_slash() {
        let url = WebUrl::parse("https://api.example.net").unwrap();

        assert_eq!(url.path_and_query(), "/");
        assert_eq!(url.to_string(), "https://api.example.net/");
    }

    #[test]
    fn ipv6_hosts_need_brackets_and_keep_them() {
        let url = WebUrl::parse("http://[::1]:8080/send").unwrap();

        assert_eq!(url.origin(), "http://[::1]:8080");
        assert!(
            WebUrl::parse("http://::1/send")
                .unwrap_err()
                .contains("brackets")
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(
            WebUrl::parse("ftp://x.example")
                .unwrap_err()
                .contains("http")
        );
        assert!(
            WebUrl::parse("sms.example.net/send")
                .unwrap_err()
                .contains("http://")
        );
    }

    #[test]
    fn credentials_inside_the_url_are_refused() {
        let error = WebUrl::parse("https://user:pw@sms.example.net/").unwrap_err();

        assert!(error.contains("authentication fields"), "{error}");
    }

    #[test]
    fn spaces_and_bad_escapes_are_named() {
        assert!(
            WebUrl::parse("http://a.example/a b")
                .unwrap_err()
                .contains("%20")
        );
        assert!(
            WebUrl::parse("http://a.example/?q=100%")
                .unwrap_err()
                .contains("%25")
        );
        assert!(
            WebUrl::parse("http://a.example/{x}")
                .unwrap_err()
                .contains("%7B")
        );
        assert!(
            WebUrl::parse("http://a.example/é")
                .unwrap_err()
                .contains("percent")
        );
    }

    #[test]
    fn fragments_and_bad_ports_are_refused() {
        assert!(
            WebUrl::parse("http://a.example/#x")
                .unwrap_err()
                .contains("fragment")
        );
        assert!(
            WebUrl::parse("http://a.example:0/")
                .unwrap_err()
                .contains("port")
        );
        assert!(
            WebUrl::parse("http://a.example:99999/")
                .unwrap_err()
                .contains("port")
        );
        assert!(
            WebUrl::parse("http://a.example:/")
                .unwrap_err()
                .contains("port")
        );
    }

    #[test]
    fn the_host_follows_the_server_name_rules() {
        assert!(WebUrl::parse("http://0.0.0.0/").is_err());
        assert!(
            WebUrl::parse("http:///send")
                .unwrap_err()
                .contains("name or address")
        );
    }

    #[test]
    fn without_query_hides_what_the_query_carries() {
        let url = WebUrl::parse("http://k.example:13013/send?password=secret").unwrap();

        assert_eq!(url.without_query(), "http://k.example:13013/send");
    }

    #[test]
    fn a_url_survives_a_round_trip_through_json() {
        let url = WebUrl::parse("https://[2001:db8::1]:8443/a%20b?c=d").unwrap();

        let back: WebUrl = serde_json::from_str(&serde_json::to_string(&url).unwrap()).unwrap();

        assert_eq!(back, url);
    }
}

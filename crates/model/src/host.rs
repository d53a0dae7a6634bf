//! The SMTP server's name: a fully qualified domain name, an IPv4 address or an IPv6 address.

use crate::idn::{self, IdnError};
use crate::text;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Longest host name DNS can carry, without the trailing dot.
pub const MAX_DOMAIN_LEN: usize = 253;
const MAX_LABEL_LEN: usize = 63;

/// A validated server name, always in the ASCII form used on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ServerName {
    /// A DNS name in lowercase ASCII (internationalised names already converted to punycode).
    Domain(String),
    /// A literal IPv4 address.
    Ipv4(Ipv4Addr),
    /// A literal IPv6 address (typed with or without brackets).
    Ipv6(Ipv6Addr),
}

impl ServerName {
    /// Parses what the admin typed. Surrounding spaces are ignored, `[2001:db8::25]` and
    /// `2001:db8::25` are the same address, a trailing dot is dropped and Unicode names are
    /// converted to punycode.
    pub fn parse(input: &str) -> Result<ServerName, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter the server's name (FQDN) or IP address".to_owned());
        }
        if let Some(found) = text::first_control_character(trimmed) {
            return Err(text::control_character_message(&found));
        }
        if trimmed.starts_with('[') && trimmed.contains("]:") {
            return Err(
                "Enter the address without a port; the port goes in the Port field".to_owned(),
            );
        }
        if let Some(inner) = trimmed.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or("The IPv6 address has an opening '[' but no closing ']'")?;
            return match inner.parse::<Ipv6Addr>() {
                Ok(v6) => check_ipv6(v6).map(ServerName::Ipv6),
                Err(_) => Err(format!("'{}' is not a valid IPv6 address", excerpt(inner))),
            };
        }
        if trimmed.contains("://") {
            return Err(
                "Enter only the host name, without a scheme such as smtp:// or https://".to_owned(),
            );
        }
        if let Some((_, port)) = trimmed.split_once(':')
            && !port.contains(':')
        {
            return Err(if port.chars().all(|c| c.is_ascii_digit()) {
                "Enter the host name without a port; the port goes in the Port field".to_owned()
            } else {
                format!(
                    "'{}' is neither a host name nor an IP address",
                    excerpt(trimmed)
                )
            });
        }
        if trimmed.contains(':') {
            return match trimmed.parse::<Ipv6Addr>() {
                Ok(v6) => check_ipv6(v6).map(ServerName::Ipv6),
                Err(_) => Err(format!(
                    "'{}' is not a valid IPv6 address",
                    excerpt(trimmed)
                )),
            };
        }
        if let Ok(v4) = trimmed.parse::<Ipv4Addr>() {
            return check_ipv4(v4).map(ServerName::Ipv4);
        }
        parse_domain(trimmed).map(ServerName::Domain)
    }

    /// The name or address as it goes on the wire and into TLS name checks
    /// (IPv6 without brackets).
    pub fn host(&self) -> String {
        match self {
            ServerName::Domain(name) => name.clone(),
            ServerName::Ipv4(ip) => ip.to_string(),
            ServerName::Ipv6(ip) => ip.to_string(),
        }
    }

    /// The literal IP address, when the admin typed one.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            ServerName::Domain(_) => None,
            ServerName::Ipv4(ip) => Some(IpAddr::V4(*ip)),
            ServerName::Ipv6(ip) => Some(IpAddr::V6(*ip)),
        }
    }
}

impl fmt::Display for ServerName {
    /// The form shown back to the admin: IPv6 in brackets, names in ASCII.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerName::Domain(name) => f.write_str(name),
            ServerName::Ipv4(ip) => write!(f, "{ip}"),
            ServerName::Ipv6(ip) => write!(f, "[{ip}]"),
        }
    }
}

fn check_ipv4(ip: Ipv4Addr) -> Result<Ipv4Addr, String> {
    if ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() {
        return Err(format!(
            "{ip} is not the address of a host; enter the mail server's address"
        ));
    }
    Ok(ip)
}

fn check_ipv6(ip: Ipv6Addr) -> Result<Ipv6Addr, String> {
    if ip.is_unspecified() || ip.is_multicast() {
        return Err(format!(
            "{ip} is not the address of a host; enter the mail server's address"
        ));
    }
    Ok(ip)
}

/// What the admin typed, cut short for quoting back in a message.
pub(crate) fn excerpt(input: &str) -> String {
    const MAX_CHARS: usize = 60;
    if input.chars().count() <= MAX_CHARS {
        input.to_owned()
    } else {
        format!("{}…", input.chars().take(MAX_CHARS).collect::<String>())
    }
}

/// Validates a DNS name and returns it in lowercase ASCII without a trailing dot.
pub fn parse_domain(input: &str) -> Result<String, String> {
    let without_dot = input.strip_suffix('.').unwrap_or(input);
    if without_dot.is_empty() {
        return Err("Enter a host name, not just a dot".to_owned());
    }
    if without_dot.contains(char::is_whitespace) {
        return Err("A host name cannot contain spaces".to_owned());
    }
    let ascii = if without_dot.is_ascii() {
        without_dot.to_ascii_lowercase()
    } else {
        idn::domain_to_ascii(without_dot).map_err(|error| match error {
            IdnError::Invalid => {
                format!(
                    "'{}' is not a valid internationalised name",
                    excerpt(without_dot)
                )
            }
            IdnError::Unsupported => {
                "Internationalised names cannot be checked here; type the xn-- form".to_owned()
            }
        })?
    };
    check_ascii_domain(&ascii)?;
    Ok(ascii)
}

fn check_ascii_domain(name: &str) -> Result<(), String> {
    if name.len() > MAX_DOMAIN_LEN {
        return Err(format!(
            "The name is {} characters long; DNS allows at most {MAX_DOMAIN_LEN}",
            name.len()
        ));
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        check_label(label)?;
    }
    let last = labels.last().copied().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "'{}' looks like an IP address but is not a valid one (use four numbers 0-255)",
            excerpt(name)
        ));
    }
    Ok(())
}

fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("The name has an empty part (two dots in a row, or a leading dot)".to_owned());
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(format!(
            "The part '{label}' is {} characters long; each part may have at most \
             {MAX_LABEL_LEN}",
            label.len()
        ));
    }
    if let Some(bad) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(match bad {
            ' ' => "A host name cannot contain spaces".to_owned(),
            '_' => "A host name cannot contain '_' (underscore)".to_owned(),
            '/' | '@' => "Enter only the host name, without a scheme, path or user".to_owned(),
            other => format!("A host name cannot contain '{other}'"),
        });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!(
            "The part '{label}' cannot begin or end with a hyphen"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(input: &str) -> String {
        match ServerName::parse(input) {
            Ok(ServerName::Domain(name)) => name,
            other => panic!("expected a domain for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn fqdn_is_accepted_trimmed_and_lowercased() {
        assert_eq!(domain("  SMTP.Example.NET  "), "smtp.example.net");
    }

    #[test]
    fn trailing_dot_is_dropped() {
        assert_eq!(domain("smtp.example.net."), "smtp.example.net");
    }

    #[test]
    fn single_label_intranet_name_is_accepted() {
        assert_eq!(domain("mailrelay"), "mailrelay");
    }

    #[test]
    fn ipv4_address_is_recognised() {
        assert_eq!(
            ServerName::parse("192.0.2.25"),
            Ok(ServerName::Ipv4([192, 0, 2, 25].into()))
        );
    }

    #[test]
    fn ipv6_with_and_without_brackets_are_the_same() {
        let bare = ServerName::parse("2001:db8::25").unwrap();
        let bracketed = ServerName::parse("[2001:db8::25]").unwrap();
        assert_eq!(bare, bracketed);
        assert_eq!(bare.host(), "2001:db8::25");
        assert_eq!(bare.to_string(), "[2001:db8::25]");
    }

    #[test]
    fn unspecified_broadcast_and_multicast_addresses_are_not_hosts() {
        for input in ["0.0.0.0", "255.255.255.255", "224.0.0.1", "::", "[ff02::1]"] {
            assert!(
                ServerName::parse(input)
                    .unwrap_err()
                    .contains("not the address of a host")
            );
        }
    }

    #[test]
    fn long_bad_input_is_quoted_back_shortened() {
        let input = format!("{}:x", "a".repeat(10_000));
        assert!(ServerName::parse(&input).unwrap_err().len() < 200);
    }

    #[test]
    fn unclosed_bracket_is_rejected() {
        assert!(
            ServerName::parse("[2001:db8::25")
                .unwrap_err()
                .contains("closing")
        );
    }

    #[test]
    fn host_with_port_is_told_to_use_the_port_field() {
        assert!(
            ServerName::parse("smtp.example.net:587")
                .unwrap_err()
                .contains("Port field")
        );
        assert!(
            ServerName::parse("192.0.2.25:25")
                .unwrap_err()
                .contains("Port field")
        );
    }

    #[test]
    fn empty_name_is_required() {
        assert!(ServerName::parse("   ").unwrap_err().starts_with("Enter"));
    }

    #[test]
    fn bad_dotted_quad_is_not_taken_for_a_name() {
        assert!(
            ServerName::parse("192.0.2.300")
                .unwrap_err()
                .contains("IP address")
        );
    }

    #[test]
    fn url_is_rejected_with_a_hint() {
        assert!(
            ServerName::parse("smtp://smtp.example.net")
                .unwrap_err()
                .contains("scheme")
        );
        assert!(
            ServerName::parse("https://smtp.example.net")
                .unwrap_err()
                .contains("scheme")
        );
        assert!(
            ServerName::parse("smtp.example.net/path")
                .unwrap_err()
                .contains("scheme")
        );
    }

    #[test]
    fn spaces_and_underscores_are_rejected() {
        assert!(
            ServerName::parse("smtp example.net")
                .unwrap_err()
                .contains("spaces")
        );
        assert!(
            ServerName::parse("smtp_relay.example.net")
                .unwrap_err()
                .contains("underscore")
        );
    }

    #[test]
    fn empty_label_is_rejected() {
        assert!(
            ServerName::parse("smtp..example.net")
                .unwrap_err()
                .contains("empty part")
        );
    }

    #[test]
    fn hyphen_at_label_edge_is_rejected() {
        assert!(
            ServerName::parse("-smtp.example.net")
                .unwrap_err()
                .contains("hyphen")
        );
    }

    #[test]
    fn overlong_label_is_rejected() {
        let name = format!("{}.example.net", "a".repeat(64));
        assert!(ServerName::parse(&name).unwrap_err().contains("at most 63"));
    }

    #[test]
    fn overlong_name_is_rejected() {
        let name = vec!["a".repeat(60); 5].join(".");
        assert!(
            ServerName::parse(&name)
                .unwrap_err()
                .contains("at most 253")
        );
    }

    #[test]
    fn line_break_in_name_is_rejected() {
        assert!(
            ServerName::parse("smtp.example.net\r\nRCPT TO:<x@y>")
                .unwrap_err()
                .contains("line")
        );
    }

    #[cfg(feature = "idna")]
    #[test]
    fn internationalised_name_becomes_ascii() {
        assert_eq!(
            domain("mäil.bücher.example"),
            "xn--mil-qla.xn--bcher-kva.example"
        );
    }

    #[cfg(not(feature = "idna"))]
    #[test]
    fn internationalised_name_without_converter_asks_for_ascii_form() {
        assert!(
            ServerName::parse("bücher.example")
                .unwrap_err()
                .contains("xn--")
        );
    }
}

//! The operator's outbound policy: which addresses and ports the console may connect to when it
//! sends mail or SMS. It is checked on the addresses a name resolves to, right before
//! connecting, so a name that resolves to a forbidden address (or an odd spelling of one, such
//! as `0x7f.1` or `[::ffff:169.254.169.254]`) is refused like the address itself.
//!
//! Relays and gateways usually sit on private networks or on the same host, so those are
//! allowed by default. Refused by default: link-local addresses (where cloud metadata services
//! answer), the known metadata addresses outside that range, unspecified, multicast and
//! broadcast addresses. Operators add their own allow and deny lists (CIDR) and may restrict
//! the ports.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::RangeInclusive;

/// What to try when the policy refused a destination.
pub(crate) const POLICY_HINT: &str = "If this really is the server to use, the operator can \
    allow it with CONSOLE_OUTBOUND_ALLOW (see the README); otherwise enter the right server.";

/// An address block in CIDR notation, such as `10.0.0.0/8` or `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

impl IpBlock {
    /// Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (a block of one).
    pub fn parse(text: &str) -> Result<IpBlock, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim_matches(['[', ']'])
            .parse()
            .map_err(|_| format!("'{address}' is not an IP address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= max)
                .ok_or_else(|| format!("'/{prefix}' is not a prefix length from 0 to {max}"))?,
        };
        Ok(IpBlock {
            network: normalise(network),
            prefix,
        })
    }

    /// True when `address` lies in the block.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, normalise(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                same_prefix(&network.octets(), &address.octets(), self.prefix)
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                same_prefix(&network.octets(), &address.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Blocks refused unless the operator allows them, with the reason shown to the admin.
const DEFAULT_DENIED: &[(&str, &str)] = &[
    (
        "169.254.0.0/16",
        "a link-local address, where cloud metadata services answer",
    ),
    ("fe80::/10", "a link-local address"),
    ("fd00:ec2::254/128", "a cloud metadata address"),
    ("100.100.100.200/32", "a cloud metadata address"),
    ("0.0.0.0/8", "an unspecified address"),
    ("::/128", "an unspecified address"),
    ("224.0.0.0/4", "a multicast address"),
    ("ff00::/8", "a multicast address"),
    ("255.255.255.255/32", "the broadcast address"),
];

/// Why the policy refused an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRefusal {
    /// The address refused.
    pub address: SocketAddr,
    /// Why, in words for the admin.
    pub reason: String,
}

impl fmt::Display for PolicyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}", self.address, self.reason)
    }
}

/// Where the console may connect to.
#[derive(Clone, Debug)]
pub struct OutboundPolicy {
    allow: Vec<IpBlock>,
    deny: Vec<IpBlock>,
    ports: Option<Vec<RangeInclusive<u16>>>,
    default_denied: Vec<(IpBlock, &'static str)>,
}

impl Default for OutboundPolicy {
    fn default() -> Self {
        OutboundPolicy::new(Vec::new(), Vec::new(), None)
    }
}

impl OutboundPolicy {
    /// A policy with the operator's lists on top of the defaults. An address in `deny` is
    /// always refused; one in `allow` is allowed even if a default refuses it; when `allow` is
    /// not empty, nothing outside it is allowed. `ports`, when set, are the only ports allowed.
    pub fn new(
        allow: Vec<IpBlock>,
        deny: Vec<IpBlock>,
        ports: Option<Vec<RangeInclusive<u16>>>,
    ) -> OutboundPolicy {
        let default_denied = DEFAULT_DENIED
            .iter()
            .filter_map(|(block, reason)| IpBlock::parse(block).ok().map(|b| (b, *reason)))
            .collect();
        OutboundPolicy {
            allow,
            deny,
            ports,
            default_denied,
        }
    }

    /// Parses a comma-separated list of CIDR blocks, as in the configuration.
    pub fn parse_blocks(text: &str) -> Result<Vec<IpBlock>, String> {
        text.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(IpBlock::parse)
            .collect()
    }

    /// Parses a comma-separated list of ports and ranges, such as `25,465,587,8000-8999`.
    pub fn parse_ports(text: &str) -> Result<Vec<RangeInclusive<u16>>, String> {
        let port = |text: &str| {
            text.trim()
                .parse::<u16>()
                .ok()
                .filter(|port| *port > 0)
                .ok_or_else(|| format!("'{}' is not a port from 1 to 65535", text.trim()))
        };
        text.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(|item| match item.split_once('-') {
                Some((low, high)) => Ok(port(low)?..=port(high)?),
                None => port(item).map(|port| port..=port),
            })
            .collect()
    }

    /// `Ok` when the console may connect to `address`.
    pub fn check(&self, address: SocketAddr) -> Result<(), PolicyRefusal> {
        let refuse = |reason: String| PolicyRefusal { address, reason };
        let ip = normalise(address.ip());
        if let Some(ports) = &self.ports
            && !ports.iter().any(|range| range.contains(&address.port()))
        {
            return Err(refuse(format!(
                "on port {}, which CONSOLE_OUTBOUND_PORTS does not allow",
                address.port()
            )));
        }
        if let Some(block) = self.deny.iter().find(|block| block.contains(ip)) {
            return Err(refuse(format!(
                "in {block}, denied by CONSOLE_OUTBOUND_DENY"
            )));
        }
        if self.allow.iter().any(|block| block.contains(ip)) {
            return Ok(());
        }
        if !self.allow.is_empty() {
            return Err(refuse("outside CONSOLE_OUTBOUND_ALLOW".to_owned()));
        }
        match self
            .default_denied
            .iter()
            .find(|(block, _)| block.contains(ip))
        {
            Some((_, reason)) => Err(refuse(format!(
                "{reason}, refused unless CONSOLE_OUTBOUND_ALLOW allows it"
            ))),
            None => Ok(()),
        }
    }
}

/// IPv4 written as IPv6 (`::ffff:a.b.c.d`, and the deprecated `::a.b.c.d`) is the IPv4
/// address: the policy must not be fooled by a change of spelling.
fn normalise(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped().or_else(|| compatible_v4(v6)) {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// `::a.b.c.d` (not `::` or `::1`, which are IPv6's own).
fn compatible_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let octets = v6.octets();
    let zero_prefix = octets[..12].iter().all(|byte| *byte == 0);
    let v4 = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    (zero_prefix && u32::from(v4) > 1).then_some(v4)
}

fn same_prefix(network: &[u8], address: &[u8], prefix: u8) -> bool {
    let full_bytes = usize::from(prefix / 8);
    let rest_bits = prefix % 8;
    if network[..full_bytes] != address[..full_bytes] {
        return false;
    }
    if rest_bits == 0 {
        return true;
    }
    let mask = 0xFFu8 << (8 - rest_bits);
    network[full_bytes] & mask == address[full_bytes] & mask
}

#[cfg(test)]
mod tests;

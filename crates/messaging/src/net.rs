//! Reaching a server over TCP, shared by the SMTP and HTTP clients: [`resolve`] is the one
//! place where a server name becomes the addresses the console connects to, checked against
//! the operator's [`OutboundPolicy`], and [`connect`] tries those addresses in turn. Both are bounded by a timeout; the callers turn their
//! errors into failure reports in their own words.

use crate::policy::{OutboundPolicy, PolicyRefusal};
use model::ServerName;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

/// Why [`resolve`] found no address.
#[derive(Debug)]
pub(crate) enum ResolveError {
    /// DNS did not answer within the timeout.
    TimedOut,
    /// DNS has no address for the name (or the lookup failed).
    NotFound,
    /// Every address is one the outbound policy refuses; the first of them.
    Refused(PolicyRefusal),
}

/// Why [`connect`] did not connect.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// No address answered within the timeout.
    TimedOut,
    /// Every address failed; this is the last one tried and its error.
    Failed {
        /// The address that failed last.
        address: SocketAddr,
        /// What the system said.
        error: std::io::Error,
    },
    /// There was no address to try.
    NoAddress,
}

/// The addresses of `server` at `port` that `policy` allows, in the order DNS gave them; never
/// empty. A literal IP address is used as it is, without DNS, and checked the same way.
pub(crate) async fn resolve(
    server: &ServerName,
    port: u16,
    timeout: Duration,
    policy: &OutboundPolicy,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let addresses = match server.ip() {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => {
            let lookup = tokio::net::lookup_host((server.host(), port));
            match tokio::time::timeout(timeout, lookup).await {
                Err(_) => return Err(ResolveError::TimedOut),
                Ok(Err(_)) => return Err(ResolveError::NotFound),
                Ok(Ok(addresses)) => addresses.collect(),
            }
        }
    };
    let mut first_refusal = None;
    let allowed: Vec<SocketAddr> = addresses
        .into_iter()
        .filter(|address| match policy.check(*address) {
            Ok(()) => true,
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
                false
            }
        })
        .collect();
    match (allowed.is_empty(), first_refusal) {
        (false, _) => Ok(allowed),
        (true, Some(refusal)) => Err(ResolveError::Refused(refusal)),
        (true, None) => Err(ResolveError::NotFound),
    }
}

/// Tries each address in turn, all within one `timeout`; the last error is reported.
pub(crate) async fn connect(
    addresses: &[SocketAddr],
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), ConnectError> {
    let tries = async {
        let mut last_error = ConnectError::NoAddress;
        for address in addresses {
            match TcpStream::connect(address).await {
                Ok(stream) => return Ok((stream, *address)),
                Err(error) => {
                    last_error = ConnectError::Failed {
                        address: *address,
                        error,
                    }
                }
            }
        }
        Err(last_error)
    };
    match tokio::time::timeout(timeout, tries).await {
        Err(_) => Err(ConnectError::TimedOut),
        Ok(outcome) => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[tokio::test]
    async fn a_literal_address_is_used_without_dns() {
        let server = ServerName::Ipv4(Ipv4Addr::new(192, 0, 2, 7));

        let policy = OutboundPolicy::default();

        let addresses = resolve(&server, 13013, Duration::from_secs(1), &policy).await;

        let expected = SocketAddr::from(([192, 0, 2, 7], 13013));
        assert_eq!(addresses.ok(), Some(vec![expected]));
    }

    #[tokio::test]
    async fn a_literal_address_the_policy_refuses_is_never_connected_to() {
        let server = ServerName::Ipv4(Ipv4Addr::new(169, 254, 169, 254));
        let policy = OutboundPolicy::default();

        let addresses = resolve(&server, 80, Duration::from_secs(1), &policy).await;

        assert!(matches!(addresses, Err(ResolveError::Refused(_))));
    }

    #[tokio::test]
    async fn a_name_resolving_to_a_refused_address_is_refused() {
        let server = ServerName::Domain("localhost".to_owned());
        let deny = OutboundPolicy::parse_blocks("127.0.0.0/8,::1").unwrap();
        let policy = OutboundPolicy::new(Vec::new(), deny, None);

        let addresses = resolve(&server, 25, Duration::from_secs(5), &policy).await;

        assert!(
            matches!(addresses, Err(ResolveError::Refused(_))),
            "{addresses:?}"
        );
    }

    #[tokio::test]
    async fn connecting_to_no_address_is_an_error_not_a_panic() {
        let outcome = connect(&[], Duration::from_secs(1)).await;

        assert!(matches!(outcome, Err(ConnectError::NoAddress)));
    }
}

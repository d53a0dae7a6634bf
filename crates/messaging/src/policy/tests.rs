use super::*;

fn at(address: &str) -> SocketAddr {
    address.parse().unwrap()
}

fn refused(policy: &OutboundPolicy, address: &str) -> bool {
    policy.check(at(address)).is_err()
}

#[test]
fn private_networks_and_this_host_are_allowed_by_default() {
    let policy = OutboundPolicy::default();

    for address in [
        "127.0.0.1:25",
        "10.1.2.3:587",
        "192.168.1.10:13013",
        "[::1]:25",
        "[fd12::5]:443",
    ] {
        assert!(!refused(&policy, address), "{address}");
    }
}

#[test]
fn link_local_and_metadata_addresses_are_refused_by_default() {
    let policy = OutboundPolicy::default();

    for address in [
        "169.254.169.254:80",
        "[fe80::1]:80",
        "[fd00:ec2::254]:80",
        "100.100.100.200:80",
        "0.0.0.0:25",
        "[::]:25",
        "224.0.0.1:25",
        "255.255.255.255:25",
    ] {
        assert!(refused(&policy, address), "{address}");
    }
}

#[test]
fn ipv4_spelled_as_ipv6_is_judged_as_ipv4() {
    let policy = OutboundPolicy::default();

    assert!(refused(&policy, "[::ffff:169.254.169.254]:80"));
    assert!(refused(&policy, "[::ffff:a9fe:a9fe]:80"));
    assert!(refused(&policy, "[::169.254.169.254]:80"));
    assert!(!refused(&policy, "[::ffff:127.0.0.1]:25"));
}

#[test]
fn the_refusal_says_why_and_how_to_allow_it() {
    let refusal = OutboundPolicy::default()
        .check(at("169.254.169.254:80"))
        .unwrap_err();

    assert!(refusal.to_string().contains("link-local"), "{refusal}");
    assert!(
        refusal.to_string().contains("CONSOLE_OUTBOUND_ALLOW"),
        "{refusal}"
    );
}

#[test]
fn the_operator_can_deny_a_block_and_allow_a_default_refusal() {
    let deny = OutboundPolicy::parse_blocks("127.0.0.0/8, ::1").unwrap();
    let allow = OutboundPolicy::parse_blocks("169.254.10.0/24").unwrap();
    let policy = OutboundPolicy::new(allow, deny, None);

    assert!(refused(&policy, "127.0.0.1:25"));
    assert!(refused(&policy, "[::1]:25"));
    assert!(refused(&policy, "[::ffff:127.0.0.1]:25"));
    assert!(!refused(&policy, "169.254.10.5:25"));
    assert!(refused(&policy, "169.254.169.254:80"));
}

#[test]
fn an_allow_list_refuses_everything_outside_it() {
    let allow = OutboundPolicy::parse_blocks("10.0.0.0/8").unwrap();
    let policy = OutboundPolicy::new(allow, Vec::new(), None);

    assert!(!refused(&policy, "10.200.0.1:25"));
    assert!(refused(&policy, "192.168.1.1:25"));
}

#[test]
fn ports_can_be_restricted() {
    let ports = OutboundPolicy::parse_ports("25, 465,587,13000-13999").unwrap();
    let policy = OutboundPolicy::new(Vec::new(), Vec::new(), Some(ports));

    assert!(!refused(&policy, "10.0.0.1:587"));
    assert!(!refused(&policy, "10.0.0.1:13013"));
    assert!(refused(&policy, "10.0.0.1:2525"));
}

#[test]
fn prefixes_that_are_not_byte_aligned_are_matched_exactly() {
    let block = IpBlock::parse("100.64.0.0/10").unwrap();

    assert!(block.contains("100.127.255.255".parse().unwrap()));
    assert!(!block.contains("100.128.0.0".parse().unwrap()));
}

#[test]
fn bad_lists_are_explained() {
    assert!(
        OutboundPolicy::parse_blocks("10.0.0.0/33")
            .unwrap_err()
            .contains("prefix")
    );
    assert!(
        OutboundPolicy::parse_blocks("intranet")
            .unwrap_err()
            .contains("not an IP")
    );
    assert!(
        OutboundPolicy::parse_ports("25,0")
            .unwrap_err()
            .contains("port")
    );
}

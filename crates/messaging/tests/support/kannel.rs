//! The test Kannel started by `scripts/peers/kannel-up.sh` (bearerbox, smsbox and the fake
//! SMSC on 127.0.0.1), as described by `target/peers/kannel.env`, and what its fake SMSC
//! received, read back from `fakesmsc.log`.
//!
//! fakesmsc logs each SMS it gets as `... DEBUG: Got message N: <SENDER RECEIVER TYPE PAYLOAD>`:
//! for `text` the payload is the text itself (a line break in it starts a new log line), for
//! `ucs-2` it is URL-encoded UTF-16BE (`+` standing for the byte 0x20), for `data` URL-encoded
//! bytes, and for `udh` (a part of a concatenated SMS) the header and then `data PAYLOAD`.

use super::repo_root;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to do when the test Kannel is missing; the tests must fail, never skip.
const START_KANNEL: &str = "run scripts/test.sh, which starts the test peers \
                            (or scripts/peers/kannel-up.sh on its own)";

/// Longest wait for an SMS to reach the fake SMSC.
pub const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(20);

/// The test Kannel as described by `kannel.env`.
#[derive(Clone, Debug)]
pub struct KannelPeer {
    /// Where the values came from, for messages.
    pub env_file: PathBuf,
    /// smsbox's sendsms URL, e.g. `http://127.0.0.1:14013/cgi-bin/sendsms`.
    pub sendsms_url: String,
    /// The `sendsms-user` name.
    pub user: String,
    /// Its password (raw: a space, `&`, `+` and `é`).
    pub password: String,
    /// The smsc-id of the fake SMSC.
    pub smsc_id: String,
    /// The fake SMSC's log, where every SMS it receives is written.
    pub fakesmsc_log: PathBuf,
}

impl KannelPeer {
    /// Reads `KANNEL_ENV` or `<repo>/target/peers/kannel.env` and checks that sendsms accepts
    /// connections. Panics with instructions when it does not.
    pub fn load() -> KannelPeer {
        let env_file = match std::env::var_os("KANNEL_ENV") {
            Some(path) => PathBuf::from(path),
            None => repo_root().join("target/peers/kannel.env"),
        };
        let text = std::fs::read_to_string(&env_file).unwrap_or_else(|error| {
            panic!(
                "cannot read the test Kannel's file {} ({error}): {START_KANNEL}",
                env_file.display()
            )
        });
        let values: HashMap<&str, &str> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .collect();
        let get = |key: &str| -> String {
            values
                .get(key)
                .map(|value| (*value).to_owned())
                .unwrap_or_else(|| panic!("{} has no {key}: {START_KANNEL}", env_file.display()))
        };
        let password_file = get("KANNEL_PASSWORD_FILE");
        let password = std::fs::read_to_string(&password_file).unwrap_or_else(|error| {
            panic!("cannot read KANNEL_PASSWORD_FILE={password_file} ({error}): {START_KANNEL}")
        });
        let (host, port) = (get("KANNEL_HOST"), get("KANNEL_SENDSMS_PORT"));
        let peer = KannelPeer {
            sendsms_url: get("KANNEL_SENDSMS_URL"),
            user: get("KANNEL_USER"),
            password,
            smsc_id: get("KANNEL_SMSC_ID"),
            fakesmsc_log: PathBuf::from(get("KANNEL_FAKESMSC_LOG")),
            env_file,
        };
        peer.check_reachable(&host, &port);
        peer
    }

    fn check_reachable(&self, host: &str, port: &str) {
        let address: std::net::SocketAddr = format!("{host}:{port}")
            .parse()
            .unwrap_or_else(|_| panic!("{}: bad sendsms address", self.env_file.display()));
        if let Err(error) = std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2)) {
            panic!(
                "the test Kannel's sendsms does not accept connections on {address} ({error}), \
                 although {} exists: {START_KANNEL}",
                self.env_file.display()
            );
        }
        if !self.fakesmsc_log.is_file() {
            panic!(
                "the fake SMSC's log {} is missing: {START_KANNEL}",
                self.fakesmsc_log.display()
            );
        }
    }

    /// Where the fake SMSC's log ends now: only what is logged after this counts.
    pub fn log_mark(&self) -> LogMark {
        let len = std::fs::metadata(&self.fakesmsc_log)
            .unwrap_or_else(|error| panic!("cannot read {} ({error})", self.fakesmsc_log.display()))
            .len();
        LogMark(len)
    }

    /// Every SMS the fake SMSC logged since `mark`, in order.
    pub fn received_since(&self, mark: LogMark) -> Vec<FakeSms> {
        let bytes = read_from(&self.fakesmsc_log, mark.0).unwrap_or_else(|error| {
            panic!("cannot read {} ({error})", self.fakesmsc_log.display())
        });
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(FakeSms::parse)
            .collect()
    }

    /// Waits (bounded by [`ARRIVAL_TIMEOUT`]) until an SMS logged since `mark` matches, and
    /// returns it. Panics, listing what did arrive, when none does in time.
    pub async fn wait_for(&self, mark: LogMark, matches: impl Fn(&FakeSms) -> bool) -> FakeSms {
        let deadline = Instant::now() + ARRIVAL_TIMEOUT;
        loop {
            let received = self.received_since(mark);
            if let Some(found) = received.iter().find(|sms| matches(sms)) {
                return found.clone();
            }
            if Instant::now() >= deadline {
                panic!(
                    "no matching SMS reached the fake SMSC ({}) within {ARRIVAL_TIMEOUT:?}; \
                     received since the test started: {received:#?}",
                    self.fakesmsc_log.display()
                );
            }
            // Polling interval of a bounded wait for a line to appear in the log.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the SMS whose decoded text contains `token`.
    pub async fn wait_for_token(&self, mark: LogMark, token: &str) -> FakeSms {
        self.wait_for(mark, |sms| {
            sms.text().is_some_and(|text| text.contains(token))
        })
        .await
    }

    /// Waits (bounded by [`ARRIVAL_TIMEOUT`]) until every part of the concatenated GSM-7 SMS
    /// whose first part contains `token` has arrived, and returns the parts joined in order.
    pub async fn wait_for_concatenated(&self, mark: LogMark, token: &str) -> Concatenated {
        let deadline = Instant::now() + ARRIVAL_TIMEOUT;
        loop {
            let received = self.received_since(mark);
            if let Some(joined) = join_parts(&received, token) {
                return joined;
            }
            if Instant::now() >= deadline {
                panic!(
                    "no complete concatenated SMS with {token:?} reached the fake SMSC within \
                     {ARRIVAL_TIMEOUT:?}; received since the test started: {received:#?}"
                );
            }
            // Polling interval of a bounded wait for lines to appear in the log.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A concatenated SMS put back together.
#[derive(Clone, Debug)]
pub struct Concatenated {
    /// The receiver of its parts.
    pub receiver: String,
    /// How many parts it came in.
    pub parts: u8,
    /// The parts' texts joined in sequence order.
    pub text: String,
}

/// One part of a concatenated SMS: reference, total, sequence number and payload bytes.
struct Part {
    reference: u8,
    total: u8,
    sequence: u8,
    bytes: Vec<u8>,
}

impl FakeSms {
    /// The part this `udh` record carries (8-bit reference concatenation header
    /// `05 00 03 REF TOTAL SEQ`), or `None` for anything else.
    fn part(&self) -> Option<Part> {
        if self.kind != "udh" {
            return None;
        }
        let (udh, rest) = self.payload.split_once(' ')?;
        let payload = rest.strip_prefix("data ")?;
        match url_decode(udh)?.as_slice() {
            [5, 0, 3, reference, total, sequence] => Some(Part {
                reference: *reference,
                total: *total,
                sequence: *sequence,
                bytes: url_decode(payload)?,
            }),
            _ => None,
        }
    }
}

fn join_parts(received: &[FakeSms], token: &str) -> Option<Concatenated> {
    let first_of = |sms: &FakeSms| {
        sms.part()
            .filter(|part| part.sequence == 1)
            .filter(|part| String::from_utf8_lossy(&part.bytes).contains(token))
    };
    let (first_sms, first) = received
        .iter()
        .find_map(|sms| Some((sms, first_of(sms)?)))?;
    let mut bytes = Vec::new();
    for sequence in 1..=first.total {
        let part = received
            .iter()
            .filter(|sms| sms.receiver == first_sms.receiver)
            .filter_map(FakeSms::part)
            .find(|part| {
                part.reference == first.reference
                    && part.total == first.total
                    && part.sequence == sequence
            })?;
        bytes.extend(part.bytes);
    }
    Some(Concatenated {
        receiver: first_sms.receiver.clone(),
        parts: first.total,
        text: String::from_utf8(bytes).ok()?,
    })
}

/// A position in the fake SMSC's log.
#[derive(Clone, Copy, Debug)]
pub struct LogMark(u64);

/// One SMS as the fake SMSC logged it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeSms {
    /// The sender (`from`).
    pub sender: String,
    /// The receiver (`to`), as Kannel passed it on.
    pub receiver: String,
    /// `text`, `ucs-2`, `data` or `udh`.
    pub kind: String,
    /// The payload as logged.
    pub payload: String,
}

impl FakeSms {
    /// The `<…>` record of a "Got message" line. A continuation line of a text with a line
    /// break has no sender and receiver and is not parsed.
    pub fn parse(line: &str) -> Option<FakeSms> {
        let (_, rest) = line.split_once(" DEBUG: Got message ")?;
        let (_, record) = rest.split_once(": <")?;
        let record = record.strip_suffix('>')?;
        let mut fields = record.splitn(4, ' ');
        let sender = fields.next()?.to_owned();
        let receiver = fields.next()?.to_owned();
        let kind = fields.next()?.to_owned();
        let payload = fields.next().unwrap_or_default().to_owned();
        matches!(kind.as_str(), "text" | "ucs-2" | "data" | "udh").then_some(FakeSms {
            sender,
            receiver,
            kind,
            payload,
        })
    }

    /// The text the phone would show: `text` as it is, `ucs-2` decoded from URL-encoded
    /// UTF-16BE, `data` from URL-encoded UTF-8; `None` for the part of a concatenated SMS or a
    /// payload that does not decode.
    pub fn text(&self) -> Option<String> {
        match self.kind.as_str() {
            "text" => Some(self.payload.clone()),
            "ucs-2" => utf16be(&url_decode(&self.payload)?),
            "data" => String::from_utf8(url_decode(&self.payload)?).ok(),
            _ => None,
        }
    }
}

/// The bytes of the file at `path` from `offset` on.
fn read_from(path: &std::path::Path, offset: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The bytes behind Kannel's URL encoding, where `+` is a space.
fn url_decode(encoded: &str) -> Option<Vec<u8>> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    Some(out)
}

fn utf16be(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

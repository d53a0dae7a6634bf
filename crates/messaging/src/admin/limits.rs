//! In-memory limits: failed sign-ins slow further tries, and test sends are counted per
//! administrator.
//!
//! Known shortcoming: both live in the process, so a restart forgets them, and several console
//! processes behind one address would each count on their own. Behind a reverse proxy every
//! client has the proxy's address, so the per-address limit then counts everyone together.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed for one account from one address before each try must wait.
const FREE_TRIES_PER_PAIR: u32 = 5;
/// Failures allowed from one client address (over every account) before each try must wait.
const FREE_TRIES_PER_ADDRESS: u32 = 10;
/// Failures allowed for one account from every address together (a distributed guess)
/// before tries from addresses it never signed in from must wait.
const FREE_TRIES_PER_ACCOUNT: u32 = 20;
/// The longest wait.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
const MEMORY: Duration = Duration::from_secs(60 * 60);
/// Most entries per table, so a flood of made-up names or addresses cannot grow memory
/// without bound (names are at most 65 characters: a few MB in all).
const MOST_KEYS: usize = 50_000;
/// Addresses remembered per account as ones it signed in from.
const KNOWN_ADDRESSES: usize = 16;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
    /// Whether a try was refused since the last counted one (refusals are audited once).
    refusal_reported: bool,
}

/// Why a sign-in try may not go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// How long until it may.
    pub wait: Duration,
    /// True for the first refusal since the last counted failure: worth one audit entry;
    /// further refusals in the same wait are not (they would only flood the log).
    pub first: bool,
}

#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(String, IpAddr), Failures>,
    addresses: HashMap<IpAddr, Failures>,
    accounts: HashMap<String, Failures>,
    /// Addresses each account has signed in from: their tries are not slowed by failures
    /// from elsewhere, so nobody can keep the real administrator out by failing on purpose.
    known: HashMap<String, VecDeque<IpAddr>>,
}

/// Slows repeated failed sign-ins. After the free tries each further try must wait 1 s,
/// 2 s, 4 s … up to 15 minutes since the last failure, counted three ways: per account and
/// address together (5 free), per address (10 free) and per account from every address (20
/// free; addresses the account signed in from before are exempt from this one).
///
/// A try is counted as a failure when it starts ([`SignInThrottle::begin`]) and forgiven when
/// it succeeds, so tries sent all at once are counted before any password is checked.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    tables: Mutex<Tables>,
}

impl SignInThrottle {
    /// Starts a try for `account` from `client`: counted as a failure until
    /// [`SignInThrottle::succeeded`] says otherwise, or refused without being counted.
    /// `exists` says whether such an account exists: only real accounts are counted from
    /// everywhere, so made-up names (a flood of them) never push a real account's count out.
    pub fn begin(
        &self,
        account: &str,
        exists: bool,
        client: IpAddr,
        now: Instant,
    ) -> Result<(), Throttled> {
        let account = account.to_lowercase();
        let mut tables = lock(&self.tables);
        let known = tables
            .known
            .get(&account)
            .is_some_and(|addresses| addresses.contains(&client));
        let pair = (account.clone(), client);
        let mut waits = vec![
            remaining(tables.pairs.get(&pair), FREE_TRIES_PER_PAIR, now),
            remaining(tables.addresses.get(&client), FREE_TRIES_PER_ADDRESS, now),
        ];
        if !known {
            waits.push(remaining(
                tables.accounts.get(&account),
                FREE_TRIES_PER_ACCOUNT,
                now,
            ));
        }
        if let Some(wait) = waits.into_iter().flatten().max() {
            let mut first = false;
            let Tables {
                pairs,
                addresses,
                accounts,
                ..
            } = &mut *tables;
            for failures in [
                pairs.get_mut(&pair),
                addresses.get_mut(&client),
                accounts.get_mut(&account),
            ]
            .into_iter()
            .flatten()
            {
                first |= !failures.refusal_reported;
                failures.refusal_reported = true;
            }
            return Err(Throttled { wait, first });
        }
        count(&mut tables.pairs, pair, now);
        count(&mut tables.addresses, client, now);
        if exists {
            count(&mut tables.accounts, account, now);
        }
        Ok(())
    }

    /// The try begun for `account` from `client` succeeded: its counts are forgiven and the
    /// address is remembered as one the account signs in from.
    pub fn succeeded(&self, account: &str, client: IpAddr) {
        let account = account.to_lowercase();
        let mut tables = lock(&self.tables);
        tables.pairs.remove(&(account.clone(), client));
        tables.addresses.remove(&client);
        if let Some(failures) = tables.accounts.get_mut(&account) {
            // Only this try is forgiven: failures from elsewhere still count.
            failures.count = failures.count.saturating_sub(1);
        }
        if tables.known.len() >= MOST_KEYS {
            tables.known.clear();
        }
        let known = tables.known.entry(account).or_default();
        if !known.contains(&client) {
            if known.len() >= KNOWN_ADDRESSES {
                known.pop_front();
            }
            known.push_back(client);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain counters behind, still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn count<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, Failures>, key: K, now: Instant) {
    if map.len() >= MOST_KEYS && !map.contains_key(&key) {
        map.retain(|_, f| now.duration_since(f.last) < MEMORY);
        if map.len() >= MOST_KEYS {
            // Still full of recent failures: drop the oldest half, never everything at once.
            let mut by_age: Vec<(Instant, K)> =
                map.iter().map(|(key, f)| (f.last, key.clone())).collect();
            by_age.sort_unstable_by_key(|(last, _)| *last);
            for (_, key) in by_age.into_iter().take(MOST_KEYS / 2) {
                map.remove(&key);
            }
        }
    }
    let entry = map.entry(key).or_insert(Failures {
        count: 0,
        last: now,
        refusal_reported: false,
    });
    if now.duration_since(entry.last) >= MEMORY {
        entry.count = 0;
    }
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
    entry.refusal_reported = false;
}

/// How much longer a try must wait after `failures`, or `None` when it may go ahead.
fn remaining(failures: Option<&Failures>, free: u32, now: Instant) -> Option<Duration> {
    let failures = failures?;
    if failures.count < free {
        return None;
    }
    let doublings = (failures.count - free).min(20);
    let wait = Duration::from_secs(1u64 << doublings).min(LONGEST_WAIT);
    let waited = now.duration_since(failures.last);
    (waited < wait).then(|| wait - waited)
}

/// Counts test sends (email and SMS together) per administrator in a sliding window.
#[derive(Debug)]
pub struct TestSendLimit {
    most: usize,
    window: Duration,
    sends: Mutex<HashMap<i64, VecDeque<Instant>>>,
}

impl TestSendLimit {
    /// At most `most` sends per administrator in any `window`.
    pub fn new(most: usize, window: Duration) -> TestSendLimit {
        TestSendLimit {
            most,
            window,
            sends: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a send by administrator `id`, or returns how long until one is allowed.
    pub fn acquire(&self, id: i64, now: Instant) -> Result<(), Duration> {
        let mut sends = lock(&self.sends);
        let recent = sends.entry(id).or_default();
        while recent
            .front()
            .is_some_and(|sent| now.duration_since(*sent) >= self.window)
        {
            recent.pop_front();
        }
        if recent.len() >= self.most {
            let oldest = recent.front().copied().unwrap_or(now);
            return Err(self.window - now.duration_since(oldest));
        }
        recent.push_back(now);
        Ok(())
    }

    /// Gives back the latest send of administrator `id`: the request was refused before
    /// anything was sent (a mistyped number must not use up the allowance).
    pub fn give_back(&self, id: i64) {
        if let Some(recent) = lock(&self.sends).get_mut(&id) {
            recent.pop_back();
        }
    }
}

impl Default for TestSendLimit {
    /// Ten sends per administrator in any ten minutes.
    fn default() -> Self {
        TestSendLimit::new(10, Duration::from_secs(600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(last: u8) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, last))
    }

    #[test]
    fn one_address_is_slowed_on_one_account_after_five_failures_doubling_each_time() {
        let throttle = SignInThrottle::default();
        let start = Instant::now();
        for _ in 0..5 {
            assert!(throttle.begin("Admin", true, address(1), start).is_ok());
        }
        let refused = throttle
            .begin("admin", true, address(1), start)
            .unwrap_err();
        assert_eq!(refused.wait, Duration::from_secs(1));
        assert!(refused.first);
        assert!(
            !throttle
                .begin("admin", true, address(1), start)
                .unwrap_err()
                .first
        );
        let later = start + Duration::from_secs(1);
        assert!(throttle.begin("admin", true, address(1), later).is_ok());
        assert_eq!(
            throttle
                .begin("admin", true, address(1), later)
                .unwrap_err()
                .wait,
            Duration::from_secs(2)
        );
        // Another address is not slowed on that account yet.
        assert!(throttle.begin("admin", true, address(2), later).is_ok());
    }

    #[test]
    fn tries_begun_at_the_same_moment_are_all_counted() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        let allowed = (0..40)
            .filter(|_| throttle.begin("admin", true, address(1), now).is_ok())
            .count();
        assert_eq!(allowed, 5);
    }

    #[test]
    fn the_wait_never_exceeds_fifteen_minutes_and_success_clears_it() {
        let throttle = SignInThrottle::default();
        let mut now = Instant::now();
        for _ in 0..60 {
            if let Err(refused) = throttle.begin("admin", true, address(1), now) {
                assert!(refused.wait <= LONGEST_WAIT);
                now += refused.wait;
            }
        }
        assert!(throttle.begin("admin", true, address(1), now).is_ok());
        let refused = throttle.begin("admin", true, address(1), now).unwrap_err();
        assert_eq!(refused.wait, LONGEST_WAIT);
        throttle.succeeded("admin", address(1));
        assert!(throttle.begin("admin", true, address(1), now).is_ok());
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for n in 0..10 {
            assert!(
                throttle
                    .begin(&format!("guess{n}"), false, address(1), now)
                    .is_ok()
            );
        }
        assert!(
            throttle
                .begin("fresh-name", false, address(1), now)
                .is_err()
        );
        assert!(throttle.begin("fresh-name", false, address(2), now).is_ok());
    }

    #[test]
    fn failures_from_elsewhere_never_keep_the_administrator_out_of_a_known_address() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        assert!(throttle.begin("admin", true, address(1), now).is_ok());
        throttle.succeeded("admin", address(1));
        // A distributed guess: four tries from each of 50 addresses.
        for attacker in 100..150 {
            for _ in 0..4 {
                let _ = throttle.begin("admin", true, address(attacker), now);
            }
        }
        // A new address is slowed on that account; the administrator's usual one is not.
        assert!(throttle.begin("admin", true, address(3), now).is_err());
        assert!(throttle.begin("admin", true, address(1), now).is_ok());
    }

    #[test]
    fn a_flood_of_names_never_wipes_every_count() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for _ in 0..5 {
            let _ = throttle.begin("admin", true, address(1), now);
        }
        for n in 0..(MOST_KEYS + 10) {
            let client = IpAddr::V6(std::net::Ipv6Addr::from(n as u128 + 1));
            let _ = throttle.begin(
                &format!("n{n}"),
                false,
                client,
                now + Duration::from_secs(1),
            );
        }
        // The oldest half went, not everything; and the real account's count is untouched.
        let tables = lock(&throttle.tables);
        assert!(tables.pairs.len() >= MOST_KEYS / 2);
        assert_eq!(tables.accounts.get("admin").map(|f| f.count), Some(5));
    }

    #[test]
    fn test_sends_are_limited_per_administrator_in_a_sliding_window() {
        let limit = TestSendLimit::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(limit.acquire(1, start).is_ok());
        assert!(limit.acquire(1, start + Duration::from_secs(10)).is_ok());
        assert_eq!(
            limit.acquire(1, start + Duration::from_secs(20)),
            Err(Duration::from_secs(40))
        );
        assert!(limit.acquire(2, start + Duration::from_secs(20)).is_ok());
        assert!(limit.acquire(1, start + Duration::from_secs(60)).is_ok());
    }
}

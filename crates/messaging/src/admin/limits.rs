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

/// Failures allowed per account before each try must wait.
const FREE_TRIES_PER_ACCOUNT: u32 = 5;
/// Failures allowed per client address (over every account) before each try must wait.
const FREE_TRIES_PER_ADDRESS: u32 = 10;
/// The longest wait: failures slow an attacker, they never lock the real administrator out.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
const MEMORY: Duration = Duration::from_secs(60 * 60);
/// Most keys remembered, so a flood of made-up names cannot grow memory without bound.
const MOST_KEYS: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Slows repeated failed sign-ins per account name and per client address: after the free
/// tries each further try must wait 1 s, 2 s, 4 s … up to 15 minutes since the last failure.
/// A success clears both counts.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    accounts: Mutex<HashMap<String, Failures>>,
    addresses: Mutex<HashMap<IpAddr, Failures>>,
}

impl SignInThrottle {
    /// `Err(wait)` when a try for `account` from `client` must wait that much longer.
    pub fn check(
        &self,
        account: &str,
        client: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let account_wait = lock(&self.accounts)
            .get(&account.to_lowercase())
            .and_then(|f| remaining(*f, FREE_TRIES_PER_ACCOUNT, now));
        let address_wait = client.and_then(|client| {
            lock(&self.addresses)
                .get(&client)
                .and_then(|f| remaining(*f, FREE_TRIES_PER_ADDRESS, now))
        });
        match account_wait.max(address_wait) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Notes a failed try.
    pub fn failed(&self, account: &str, client: Option<IpAddr>, now: Instant) {
        count_failure(&mut lock(&self.accounts), account.to_lowercase(), now);
        if let Some(client) = client {
            count_failure(&mut lock(&self.addresses), client, now);
        }
    }

    /// Notes a successful sign-in: the account and the address start afresh.
    pub fn succeeded(&self, account: &str, client: Option<IpAddr>) {
        lock(&self.accounts).remove(&account.to_lowercase());
        if let Some(client) = client {
            lock(&self.addresses).remove(&client);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain counters behind, still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn count_failure<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Failures>, key: K, now: Instant) {
    if map.len() >= MOST_KEYS {
        map.retain(|_, f| now.duration_since(f.last) < MEMORY);
        if map.len() >= MOST_KEYS {
            // Still full of recent failures: an attack on many names at once. Forgetting
            // them all is safe, the per-address count still slows the attacker.
            map.clear();
        }
    }
    let entry = map.entry(key).or_insert(Failures {
        count: 0,
        last: now,
    });
    if now.duration_since(entry.last) >= MEMORY {
        entry.count = 0;
    }
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
}

/// How much longer a try must wait after `failures`, or `None` when it may go ahead.
fn remaining(failures: Failures, free: u32, now: Instant) -> Option<Duration> {
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

    const CLIENT: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 9)));

    #[test]
    fn an_account_is_slowed_after_five_failures_and_waits_double_each_time() {
        let throttle = SignInThrottle::default();
        let start = Instant::now();
        for _ in 0..5 {
            assert!(throttle.check("Admin", None, start).is_ok());
            throttle.failed("Admin", None, start);
        }
        assert_eq!(
            throttle.check("admin", None, start),
            Err(Duration::from_secs(1))
        );
        let later = start + Duration::from_secs(1);
        assert!(throttle.check("admin", None, later).is_ok());
        throttle.failed("admin", None, later);
        assert_eq!(
            throttle.check("admin", None, later),
            Err(Duration::from_secs(2))
        );
        // Another account is not affected.
        assert!(throttle.check("other", None, later).is_ok());
    }

    #[test]
    fn the_wait_never_exceeds_fifteen_minutes_and_success_clears_it() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for _ in 0..100 {
            throttle.failed("admin", CLIENT, now);
        }
        assert_eq!(throttle.check("admin", None, now), Err(LONGEST_WAIT));
        assert!(throttle.check("admin", None, now + LONGEST_WAIT).is_ok());
        throttle.succeeded("admin", CLIENT);
        assert!(throttle.check("admin", CLIENT, now).is_ok());
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for n in 0..10 {
            throttle.failed(&format!("guess{n}"), CLIENT, now);
        }
        assert!(throttle.check("fresh-name", CLIENT, now).is_err());
        assert!(throttle.check("fresh-name", None, now).is_ok());
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

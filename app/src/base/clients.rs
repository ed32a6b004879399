//! Who a public request comes from, for in-memory limits only: a per-client rate limiter keyed by
//! a salted hash of the address (never stored or logged), and the reverse proxies whose
//! `X-Forwarded-For` is believed. Shared by every area with public forms (a budget per bucket
//! name, e.g. "report_submit", "quiz_feedback").
use crate::base::db::now;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::Mutex;

/// Clients remembered per bucket; the least recently seen is forgotten first (it then starts
/// again with a fresh budget). Bounded memory whatever the number of addresses.
const MAX_CLIENTS: usize = 100_000;

/// Fixed one-hour windows per (bucket, client), in a bounded LRU map: every operation is O(1)
/// under the lock, and there is no sweep on the request path. (governor's keyed limiter keeps an
/// unbounded map that needs a periodic sweep: docs/decisions.md.)
pub struct RateLimiter {
    salt: [u8; 16],
    windows: Mutex<lru::LruCache<(&'static str, u64), (i64, u32)>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimiter(…)")
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(MAX_CLIENTS)
    }
}

const WINDOW: i64 = 3600;

impl RateLimiter {
    pub fn with_capacity(clients: usize) -> Self {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let cap = std::num::NonZeroUsize::new(clients.max(1) * 3).unwrap_or(std::num::NonZeroUsize::MIN);
        RateLimiter { salt, windows: Mutex::new(lru::LruCache::new(cap)) }
    }

    /// A salted hash of the client: IPv4 addresses whole, IPv6 by their /64 (one subscriber's
    /// prefix). The salt is new at every start and never leaves memory.
    fn client_key(&self, ip: IpAddr) -> u64 {
        let mut h = Sha256::new();
        h.update(self.salt);
        match ip.to_canonical() {
            IpAddr::V4(v4) => h.update(v4.octets()),
            IpAddr::V6(v6) => h.update(&v6.octets()[..8]),
        }
        let d = h.finalize();
        u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
    }

    /// Count one request; `false` when the client has used up `per_hour`. Call it only once the
    /// request has shown it is a real one (a valid, unspent form token; a well-formed lookup), so
    /// junk cannot use up anyone's budget. Without a known client address every such request
    /// shares one bucket.
    pub fn allow(&self, bucket: &'static str, client: Option<IpAddr>, per_hour: u32) -> bool {
        let key = (bucket, client.map(|ip| self.client_key(ip)).unwrap_or(0));
        let t = now();
        let Ok(mut map) = self.windows.lock() else { return true };
        let entry = map.get_or_insert_mut(key, || (t, 0));
        if entry.0 <= t - WINDOW {
            *entry = (t, 0);
        }
        if entry.1 >= per_hour {
            return false;
        }
        entry.1 += 1;
        true
    }

    /// Clients currently remembered (for tests).
    pub fn len(&self) -> usize {
        self.windows.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reverse proxies whose `X-Forwarded-For` is believed (`SW_TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies {
    nets: Vec<(IpAddr, u8)>,
}

impl TrustedProxies {
    /// "10.0.0.1, 192.168.0.0/16, ::1, fd00::/8"; `Err` names the first bad entry.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, len) = match item.split_once('/') {
                Some((a, l)) => (a, Some(l)),
                None => (item, None),
            };
            let ip: IpAddr = addr.trim().parse().map_err(|_| item.to_string())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = match len {
                None => max,
                Some(l) => l.trim().parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(|| item.to_string())?,
            };
            nets.push((ip, len));
        }
        Ok(TrustedProxies { nets })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|(net, len)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = if *len == 0 { 0 } else { u32::MAX << (32 - u32::from(*len)) };
                u32::from(*n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = if *len == 0 { 0 } else { u128::MAX << (128 - u32::from(*len)) };
                u128::from(*n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// The client a request comes from: the TCP peer, unless the peer is a trusted proxy; then
    /// the right-most address in `X-Forwarded-For` that is not itself a trusted proxy (entries
    /// left of it were written by the client and prove nothing).
    pub fn client(&self, peer: IpAddr, headers: &http::HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.contains(ip) => client = ip,
                Ok(ip) => return ip,
                // Garbage where an address should be: the last trusted hop is all we know.
                Err(_) => return client,
            }
        }
        client
    }
}


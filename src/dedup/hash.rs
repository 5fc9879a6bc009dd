//! Stable 64-bit hashing.
//!
//! The index is saved to disk, so every hash it stores must be the same on
//! every platform and every run: `std`'s `DefaultHasher` promises neither.
//! This is a small multiply-xorshift hash (in the spirit of wyhash and
//! splitmix64), fast on short tokens and good enough to spread keys over a
//! table; it is not meant to resist an adversary choosing collisions (a
//! collision only yields a candidate that verification then rejects).

const K0: u64 = 0x9E37_79B9_7F4A_7C15;
const K1: u64 = 0xBF58_476D_1CE4_E5B9;
const K2: u64 = 0x94D0_49BB_1331_11EB;

/// The splitmix64 finalizer: a bijective mix of all 64 bits.
#[inline]
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(K1);
    x ^= x >> 27;
    x = x.wrapping_mul(K2);
    x ^ (x >> 31)
}

/// Combines two hashes, order-sensitive.
#[inline]
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(23) ^ b.wrapping_mul(K0))
}

/// Hashes `bytes` with `seed` (seeds separate the key spaces of the index).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K0);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h ^ u64::from_le_bytes(w));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = mix(h ^ u64::from_le_bytes(w) ^ K1);
    }
    mix(h)
}

/// [`hash_bytes`] of `bytes` with ASCII letters lower-cased, for bytes that
/// are all ASCII letters, digits, `.` or `-` (setting bit 5 lower-cases a
/// letter and leaves those others unchanged).
#[inline]
pub(crate) fn hash_lower(seed: u64, bytes: &[u8]) -> u64 {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K0);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h ^ (u64::from_le_bytes(w) | LOWER));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        let mask = LOWER >> (8 * (8 - rest.len()));
        h = mix(h ^ (u64::from_le_bytes(w) | mask) ^ K1);
    }
    mix(h)
}

/// Hashes an optional string; `None` and `""` both hash to 0 (no value).
pub(crate) fn hash_opt(seed: u64, s: Option<&str>) -> u32 {
    match s {
        Some(s) if !s.is_empty() => {
            let h = hash_bytes(seed, s.as_bytes()) as u32;
            h.max(1)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_values() {
        // Saved indexes depend on these values never changing.
        assert_eq!(hash_bytes(0, b""), mix(0));
        assert_ne!(hash_bytes(0, b"a"), hash_bytes(1, b"a"));
        assert_ne!(hash_bytes(0, b"abcdefgh"), hash_bytes(0, b"abcdefgh\0"));
        assert_eq!(hash_opt(7, None), 0);
        assert_eq!(hash_opt(7, Some("")), 0);
        assert_ne!(hash_opt(7, Some("x")), 0);
        for w in [
            "",
            "a",
            "Ab",
            "WWW.Example-Site.COM",
            "abcdefgh",
            "0123456789xYz",
        ] {
            let lower = w.to_ascii_lowercase();
            assert_eq!(hash_lower(3, w.as_bytes()), hash_bytes(3, lower.as_bytes()));
        }
    }
}

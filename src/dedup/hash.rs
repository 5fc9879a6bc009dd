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
        h = mix(h ^ load_tail(rest) ^ K1);
    }
    mix(h)
}

/// The up to 7 bytes of `b` as a little-endian u64 padded with zeros,
/// read with at most three loads (copying them into a zeroed `[u8; 8]`
/// first costs a call or a stalled load: most words are that short).
#[inline(always)]
fn load_tail(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!(n < 8);
    if n >= 4 {
        // Two overlapping 4-byte loads.
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64;
        let hi = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]) as u64;
        lo | hi << (8 * (n - 4))
    } else if n > 0 {
        // Bytes 0, n / 2 and n - 1 cover all of 1 to 3 bytes.
        b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
    } else {
        0
    }
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
        let mask = LOWER >> (8 * (8 - rest.len()));
        h = mix(h ^ (load_tail(rest) | mask) ^ K1);
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
    fn tail_loads_pad_with_zeros() {
        let bytes = *b"\x01\x82\x03\xf4\x05\x06\xa7";
        for n in 0..8 {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(load_tail(&bytes[..n]), u64::from_le_bytes(w), "{n} bytes");
        }
    }

    #[test]
    fn stable_values() {
        // Saved indexes depend on these values never changing.
        assert_eq!(hash_bytes(0, b""), mix(0));
        // Values of the definition (zero-padded last word), computed
        // independently.
        for (w, h) in [
            (&b"a"[..], 0xb604_e618_6feb_1236),
            (b"abc", 0x724b_85ea_70fc_a380),
            (b"word", 0x150d_05d4_3023_f3d2),
            (b"abcdefghijk", 0x254c_f809_2259_4b39),
            (b"comment-sieve", 0x3861_cea7_5ab7_a83b),
        ] {
            assert_eq!(hash_bytes(7, w), h, "{w:?}");
        }
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

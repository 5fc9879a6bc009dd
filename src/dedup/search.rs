//! The check: from a comment's keys to the stored comment it duplicates.
//!
//! Three passes, so that cache misses overlap: the keys' buckets are
//! prefetched as soon as the keys are known ([`probe`](DuplicateDetector::probe)),
//! the comments they point to are gathered and ranked by shared keys
//! (`candidates`), then each candidate's record is judged on its sizes and
//! fingerprint masks alone before its sketches are read and compared
//! (`find`, `verify`). The bounds used to skip a candidate are upper
//! bounds, so skipping never changes the answer.

use super::detector::{DuplicateDetector, Query, Who, Work};
use super::index::{prefetch, prefetch_both};
use super::shingle::{self, rank, Features};
use super::store::{read_u32, Entry, StoredSet, FLAG_SHORT, FLAG_TRUNCATED, FLAG_WORDS_TRUNCATED};
use super::{Duplicate, DuplicateKind, Scope};

/// An upper bound on the multiset intersection of lists of `n_a` and `n_b`
/// fingerprints with masks `a` and `b`: a bit set in `a` and not in `b`
/// stands for at least one element of the first list that is not in the
/// second.
#[inline]
fn upper_inter(n_a: usize, a: u32, n_b: usize, b: u32) -> usize {
    let only_a = (a & !b).count_ones() as usize;
    let only_b = (b & !a).count_ones() as usize;
    n_a.saturating_sub(only_a).min(n_b.saturating_sub(only_b))
}

/// A verified match.
pub(super) struct Found {
    seq: u64,
    slot: usize,
    kind: DuplicateKind,
    similarity: f64,
    shared_links: bool,
}

fn kind_rank(k: DuplicateKind) -> u8 {
    match k {
        DuplicateKind::Exact => 3,
        DuplicateKind::Near => 2,
        DuplicateKind::Partial => 1,
        DuplicateKind::Template => 0,
    }
}

/// Size of the multiset intersection of two sorted lists (`b` as
/// little-endian u16 bytes). Branch-free steps: the lists are short and
/// their order random, so branches would be mispredicted half the time.
fn intersect_sorted(a: &[u16], b: &[u8]) -> usize {
    let b_len = b.len() / 2;
    let b_at = |j: usize| u16::from_le_bytes([b[2 * j], b[2 * j + 1]]);
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b_len {
        let (x, y) = (a[i], b_at(j));
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

/// Containment of the query set `q` (ascending hashes; `q_fps` its sorted
/// fingerprints) in a stored set, and the estimated intersection size.
/// `None` when a truncated stored sketch covers none of `q`. `buf` is a
/// buffer.
fn compare(q: &[u64], q_fps: &[u16], d: &StoredSet, buf: &mut Vec<u16>) -> Option<(f64, f64)> {
    let d_fps = d.fps;
    if q.is_empty() {
        return None;
    }
    match d.thr {
        None => {
            let inter = intersect_sorted(q_fps, d_fps) as f64;
            Some((inter / q.len() as f64, inter))
        }
        Some(thr) => {
            // Bottom-k estimate: only the part of q below the sketch's
            // largest rank can be compared.
            let cut = q.partition_point(|&h| rank(h) <= thr);
            if cut == 0 {
                return None;
            }
            shingle::sorted_fps(&q[..cut], buf);
            let c = intersect_sorted(buf, d_fps) as f64 / cut as f64;
            Some((c, c * q.len() as f64))
        }
    }
}

impl DuplicateDetector {
    /// The keys a check of a comment with features `f` looks up into
    /// `w.probes`: (key, weight, first bucket, second bucket); their
    /// buckets are prefetched, so that their cache misses overlap with
    /// each other and with what the caller does before reading them
    /// ([`candidates`](Self::candidates)).
    pub(super) fn probe(&self, f: &Features, who: Who, w: &mut Work) {
        w.probes.clear();
        let mut probe = |key: u32, weight: u32| {
            let (a, b) = self.table.choices(key);
            self.table.prefetch(a);
            self.table.prefetch(b);
            w.probes.push((key, weight, a, b));
        };
        probe(Self::exact_key(who.salt, f.exact), 1 << 16);
        if f.tokens >= self.params.min_tokens {
            for &h in &f.postings {
                probe(Self::shingle_key(who.salt, h), 1);
            }
            if who.author != 0 {
                for &l in &f.links {
                    probe(Self::link_key(who.salt, who.author, l), 1 << 8);
                }
            }
        }
    }

    /// Candidates into `w.cands`: (sequence number, weight), at most
    /// `max_candidates`, those sharing the most keys, from the keys in
    /// `w.probes`.
    fn candidates(&self, w: &mut Work) {
        w.raw.clear();
        for &(key, weight, a, b) in &w.probes {
            self.table.lookup_in(a, b, key, |s| {
                if let Some(seq) = self.live_seq(s) {
                    w.raw.push((seq, weight));
                }
            });
        }
        w.raw.sort_unstable_by_key(|c| c.0);
        w.cands.clear();
        for &(seq, weight) in &w.raw {
            match w.cands.last_mut() {
                Some(last) if last.0 == seq => last.1 = last.1.saturating_add(weight),
                _ => w.cands.push((seq, weight)),
            }
        }
        if w.cands.len() > self.params.max_candidates {
            // Most shared keys first, then the earliest.
            w.cands
                .sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            w.cands.truncate(self.params.max_candidates);
        }
    }

    /// Whether `q` and the stored comment `e` are similar in size enough
    /// for any kind but `Exact` (decided on the record alone when its sets
    /// are whole, else `true`).
    fn sizes_allow(&self, q: &Query, e: &Entry) -> bool {
        if e.has(FLAG_TRUNCATED) || e.has(FLAG_WORDS_TRUNCATED) {
            return true;
        }
        let p = &self.params;
        let n_d = e.n_sketch as usize;
        let w_d = if p.near_shingle_size == p.shingle_size {
            n_d
        } else {
            e.n_words as usize
        };
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
        ratio(w_q, w_d) >= p.template_threshold.min(p.near_threshold)
            || (q.f.tokens >= p.min_partial_tokens && n_d >= n_q)
    }

    /// Whether the stored comment `e` (not an exact copy) may be a near,
    /// partial or template match of `q`, judged on its record alone with
    /// upper bounds of the intersections ([`upper_inter`]): `false` only
    /// when [`verify`](Self::verify) would find no match.
    fn could_match(&self, q: &Query, e: &Entry) -> bool {
        if e.has(FLAG_TRUNCATED) || e.has(FLAG_WORDS_TRUNCATED) {
            return true;
        }
        let p = &self.params;
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let n_d = e.n_sketch as usize;
        let w_d = if p.near_shingle_size == p.shingle_size {
            n_d
        } else {
            e.n_words as usize
        };
        // The same tests as `verify`, on upper bounds of the intersections.
        let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
        let near_ok = ratio(w_q, w_d) >= p.near_threshold;
        let partial_ok = q.f.tokens >= p.min_partial_tokens && n_d >= n_q;
        let template_ok = q.author != 0
            && q.author == e.author
            && e.n_links() > 0
            && !q.f.links.is_empty()
            && ratio(w_q, w_d) >= p.template_threshold;
        if near_ok || template_ok {
            let inter = upper_inter(w_q, q.word_mask, w_d, e.word_mask) as f64;
            let union = (w_q + w_d) as f64 - inter;
            if union <= 0.0 {
                return true;
            }
            let jaccard = inter / union;
            if (near_ok && jaccard >= p.near_threshold)
                || (template_ok && jaccard >= p.template_threshold)
            {
                return true;
            }
        }
        partial_ok
            && n_q > 0
            && upper_inter(n_q, q.shingle_mask, n_d, e.shingle_mask) as f64 / n_q as f64
                >= p.partial_threshold
    }

    /// The best match of `q` among stored comments.
    ///
    /// Candidates go through three passes so that cache misses overlap:
    /// their records are prefetched; the records are checked and the arena
    /// bytes of those that pass are prefetched; those are verified.
    /// `w.probes` holds the keys of `q` ([`probe`](Self::probe)).
    pub(super) fn find(&self, q: &Query, w: &mut Work) -> Option<Found> {
        if q.short && !self.params.short_exact {
            return None;
        }
        self.candidates(w);
        if w.cands.is_empty() {
            return None;
        }
        let cur = self.slot_of(self.next_seq);
        for &(seq, _) in &w.cands {
            if let Some(e) = self.entries.get(self.slot_in_window(seq, cur)) {
                // A 40-byte record may straddle two lines.
                prefetch_both(e);
            }
        }
        let p = &self.params;
        let n_q = q.f.shingles.len();
        w.verify.clear();
        for &(seq, _) in &w.cands {
            let slot = self.slot_in_window(seq, cur);
            let Some(e) = self.entries.get(slot).filter(|e| e.live()) else {
                continue;
            };
            if p.scope == Scope::Thread && e.thread != q.thread {
                continue;
            }
            let exact = e.exact == q.f.exact;
            if !exact
                && (q.short
                    || e.has(FLAG_SHORT)
                    || n_q == 0
                    || !self.sizes_allow(q, e)
                    || !self.could_match(q, e))
            {
                continue;
            }
            let off = e.pool_off as usize;
            if let Some(first) = self.pool.get(off) {
                prefetch(first);
            }
            if let Some(last) = self.pool.get(off + e.record_len().max(1) - 1) {
                prefetch(last);
            }
            w.verify.push((seq, slot));
        }
        let mut best: Option<Found> = None;
        for &(seq, slot) in &w.verify {
            let e = &self.entries[slot];
            let Some(found) = self.verify(q, seq, slot, e, &mut w.cut_fps) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some(b) => {
                    (
                        kind_rank(found.kind),
                        found.similarity,
                        std::cmp::Reverse(found.seq),
                    ) > (kind_rank(b.kind), b.similarity, std::cmp::Reverse(b.seq))
                }
            };
            if better {
                best = Some(found);
            }
        }
        best
    }

    /// How `q` duplicates the stored comment `e` (which passed the checks
    /// on its record), if it does.
    fn verify(
        &self,
        q: &Query,
        seq: u64,
        slot: usize,
        e: &Entry,
        buf: &mut Vec<u16>,
    ) -> Option<Found> {
        let p = &self.params;
        let (n_q, w_q) = (q.f.shingles.len(), q.f.near_set().len());
        let rec = self.record(e)?;
        let shared_links = (0..e.n_links()).any(|i| q.f.links.contains(&read_u32(rec.links, i)));
        let (kind, similarity) = if e.exact == q.f.exact {
            (DuplicateKind::Exact, 1.0)
        } else {
            let (n_d, w_d) = (rec.shingles.n, rec.words.n);
            let ratio = |a: usize, b: usize| a.min(b) as f64 / a.max(b).max(1) as f64;
            let near_ok = ratio(w_q, w_d) >= p.near_threshold;
            let partial_ok = q.f.tokens >= p.min_partial_tokens && n_d >= n_q;
            let template_ok = q.author != 0
                && q.author == e.author
                && shared_links
                && ratio(w_q, w_d) >= p.template_threshold;
            let jaccard = if near_ok || template_ok {
                compare(q.f.near_set(), &q.f.word_fps, &rec.words, buf).map_or(0.0, |(_, inter)| {
                    let union = (w_q + w_d) as f64 - inter;
                    if union > 0.0 {
                        inter / union
                    } else {
                        0.0
                    }
                })
            } else {
                0.0
            };
            let containment = if partial_ok {
                compare(&q.f.shingles, &q.f.shingle_fps, &rec.shingles, buf).map_or(0.0, |(c, _)| c)
            } else {
                0.0
            };
            if near_ok && jaccard >= p.near_threshold {
                (DuplicateKind::Near, jaccard)
            } else if partial_ok && containment >= p.partial_threshold {
                (DuplicateKind::Partial, containment)
            } else if template_ok && jaccard >= p.template_threshold {
                (DuplicateKind::Template, jaccard)
            } else {
                return None;
            }
        };
        Some(Found {
            seq,
            slot,
            kind,
            similarity: similarity.min(1.0),
            shared_links,
        })
    }

    pub(super) fn report(&self, q: &Query, found: Found) -> Duplicate {
        let e = &self.entries[found.slot];
        let id = self
            .record(e)
            .map(|r| String::from_utf8_lossy(r.id).into_owned())
            .unwrap_or_default();
        Duplicate {
            of: id,
            kind: found.kind,
            similarity: found.similarity,
            same_author: q.author != 0 && q.author == e.author,
            shared_links: found.shared_links,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::hash::mix;
    use crate::dedup::store::fp_mask;

    /// The mask bound is never below the intersection the check computes.
    #[test]
    fn upper_inter_bounds_the_intersection() {
        let mut state = 0x5eed_u64;
        let mut next = |n: u64| {
            state = mix(state);
            state % n
        };
        for _ in 0..20_000 {
            // Small alphabets force shared and repeated fingerprints.
            let alphabet = 1 + next(200) as u16;
            let mut list = |n: u64| {
                let mut v: Vec<u16> = (0..next(n))
                    .map(|_| (next(alphabet as u64) as u16).wrapping_mul(2311))
                    .collect();
                v.sort_unstable();
                v
            };
            let (a, b) = (list(40), list(40));
            let b_bytes: Vec<u8> = b.iter().flat_map(|x| x.to_le_bytes()).collect();
            let inter = intersect_sorted(&a, &b_bytes);
            let (ma, mb) = (fp_mask(a.iter().copied()), fp_mask(b.iter().copied()));
            assert!(
                upper_inter(a.len(), ma, b.len(), mb) >= inter,
                "{a:?} {b:?}"
            );
        }
    }
}

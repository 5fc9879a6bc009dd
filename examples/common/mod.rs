//! Reproducible synthetic comments for the benchmarks, drawn from the
//! development data in `data/`.

use std::path::Path;

/// splitmix64: a small, fixed pseudo-random sequence.
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The seed of every benchmark file.
pub const SEED: u64 = 20_240_601;

/// The comment texts of the development data, in `all_examples` order.
pub fn texts(data_dir: &Path) -> Vec<String> {
    let (examples, _) = comment_sieve::datasets::all_examples(data_dir).expect("data/ is readable");
    examples.into_iter().map(|e| e.text).collect()
}

/// The `i`-th synthetic comment (id, author, article, text index) of the
/// sequence drawn by `rng`.
pub fn draw(rng: &mut Rng, n_texts: usize) -> (usize, usize, usize) {
    (rng.below(n_texts), rng.below(5000), rng.below(50))
}

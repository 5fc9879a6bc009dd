//! Reproducible synthetic comments for the benchmarks, drawn from the
//! development data in `data/`.

use std::path::Path;

pub use super::rng::Rng;

/// The seed of every benchmark file.
pub const SEED: u64 = 20_240_601;

/// The comment texts of the development data, in `all_examples` order.
pub fn texts(data_dir: &Path) -> Vec<String> {
    let (examples, _) = crate::datasets::all_examples(data_dir).expect("data/ is readable");
    examples.into_iter().map(|e| e.text).collect()
}

/// The `i`-th synthetic comment (id, author, article, text index) of the
/// sequence drawn by `rng`.
pub fn draw(rng: &mut Rng, n_texts: usize) -> (usize, usize, usize) {
    (rng.below(n_texts), rng.below(5000), rng.below(50))
}

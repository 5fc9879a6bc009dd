//! Finds repeated comments: exact copies and near copies with a few words
//! changed, across authors, as a site sees them arrive.
//!
//! ```text
//! cargo run --release --example find_duplicates
//! ```

use comment_sieve::{DupInput, DuplicateParams};

fn main() -> comment_sieve::Result<()> {
    let mut detector = DuplicateParams::default().capacity(10_000).build()?;
    let stream = [
        ("c1", "ann", "The new bus timetable leaves the north of the town with no evening service at all."),
        ("c2", "bob", "I think the timetable change was announced far too late."),
        ("c3", "cat", "The new bus timetable leaves the north of the town with no evening service at all."),
        ("c4", "dan", "The new bus timetable leaves the north of our town with no evening service whatsoever."),
    ];
    for (id, author, text) in stream {
        match detector.check_and_insert(&DupInput::new(id, text).author(author)) {
            Some(d) => println!(
                "{id} repeats {} ({:?}, similarity {:.2}, same author: {})",
                d.of, d.kind, d.similarity, d.same_author
            ),
            None => println!("{id} is new"),
        }
    }
    Ok(())
}

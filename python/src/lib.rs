//! Python bindings of comment-sieve, the `comment_sieve._comment_sieve`
//! extension module: the classifier (`classifier::PyClassifier`), the
//! duplicate detector and the moderator. The pure-Python package around it (`comment_sieve`)
//! adds the scikit-learn wrapper and the Spark integration.
//!
//! Verdicts are returned with the fields, names and rounding of the
//! `label` command's records (the `record` module), so a comment gets the
//! same record from the command line, from Python and from Spark.

#![deny(missing_docs)]

mod arrow;
mod classifier;
mod dedup;
mod dicts;
mod moderator;
mod record;
mod texts;

use pyo3::prelude::*;

pyo3::create_exception!(
    _comment_sieve,
    Error,
    pyo3::exceptions::PyException,
    "An error of comment-sieve (a model or index file, a parameter, training data); the message is the library's."
);

/// A library error as a Python exception: I/O errors as `OSError`, every
/// other as `comment_sieve.Error`, with the library's message.
pub(crate) fn py_err(e: comment_sieve::Error) -> PyErr {
    match e {
        comment_sieve::Error::Io { .. } => pyo3::exceptions::PyOSError::new_err(e.to_string()),
        _ => Error::new_err(e.to_string()),
    }
}

/// The extension module.
#[pymodule]
fn _comment_sieve(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("Error", m.py().get_type::<Error>())?;
    m.add_class::<classifier::PyClassifier>()?;
    m.add_class::<dedup::PyDuplicateDetector>()?;
    m.add_class::<moderator::PyModerator>()?;
    m.add_class::<arrow::ArrowBatch>()?;
    Ok(())
}

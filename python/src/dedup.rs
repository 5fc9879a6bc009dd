//! `DuplicateDetector` for Python: finds, for each new comment, the
//! earliest stored comment it repeats (exact, near, partial, template).

use comment_sieve::{DupInput, DuplicateDetector, DuplicateParams, Scope};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::dicts::DictBuilder;
use crate::py_err;
use crate::record::DupRecord;

/// A duplicate detector with a rolling window of stored comments.
#[pyclass(name = "DuplicateDetector", module = "comment_sieve")]
pub struct PyDuplicateDetector {
    pub(crate) inner: DuplicateDetector,
}

/// The scope named `s`.
pub(crate) fn scope(s: &str) -> PyResult<Scope> {
    match s {
        "site" => Ok(Scope::Site),
        "thread" => Ok(Scope::Thread),
        _ => Err(PyValueError::new_err(format!(
            "scope must be \"site\" or \"thread\", not {s:?}"
        ))),
    }
}

/// Sets parameter `name` of `p` to `value`.
fn set(p: DuplicateParams, name: &str, value: &Bound<'_, PyAny>) -> PyResult<DuplicateParams> {
    let f = || value.extract::<f64>();
    let n = || value.extract::<usize>();
    Ok(match name {
        "near_threshold" => p.near_threshold(f()?),
        "partial_threshold" => p.partial_threshold(f()?),
        "template_threshold" => p.template_threshold(f()?),
        "shingle_size" => p.shingle_size(n()?),
        "near_shingle_size" => p.near_shingle_size(n()?),
        "winnow_window" => p.winnow_window(n()?),
        "min_postings" => p.min_postings(n()?),
        "max_postings" => p.max_postings(n()?),
        "sketch_size" => p.sketch_size(n()?),
        "capacity" => p.capacity(n()?),
        "min_tokens" => p.min_tokens(n()?),
        "min_partial_tokens" => p.min_partial_tokens(n()?),
        "short_exact" => p.short_exact(value.extract::<bool>()?),
        "max_candidates" => p.max_candidates(n()?),
        "scope" => p.scope(scope(&value.extract::<String>()?)?),
        _ => {
            return Err(PyTypeError::new_err(format!(
                "DuplicateDetector() got an unknown parameter {name:?}"
            )))
        }
    })
}

/// A detector built from keyword parameters (those of `DuplicateParams`).
pub(crate) fn build(params: Option<&Bound<'_, PyDict>>) -> PyResult<DuplicateDetector> {
    let mut p = DuplicateParams::default();
    if let Some(kw) = params {
        for (k, v) in kw.iter() {
            p = set(p, &k.extract::<String>()?, &v)?;
        }
    }
    p.build().map_err(py_err)
}

fn input<'a>(
    id: &'a str,
    text: &'a str,
    author: Option<&'a str>,
    thread: Option<&'a str>,
) -> DupInput<'a> {
    let mut i = DupInput::new(id, text);
    if let Some(a) = author {
        i = i.author(a);
    }
    if let Some(t) = thread {
        i = i.thread(t);
    }
    i
}

fn answer<'py>(
    py: Python<'py>,
    d: Option<comment_sieve::Duplicate>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    d.map(|d| DictBuilder::new(py).duplicate_dict(&DupRecord::from(&d)))
        .transpose()
}

#[pymethods]
impl PyDuplicateDetector {
    /// A detector; keyword parameters are those of `DuplicateParams`
    /// (`scope="site"` or `"thread"`, `near_threshold`, `capacity`, …).
    #[new]
    #[pyo3(signature = (**params))]
    fn new(params: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyDuplicateDetector {
            inner: build(params)?,
        })
    }

    /// The earlier stored comment that this comment repeats, or None.
    #[pyo3(signature = (id, text, author=None, thread=None))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        text: &str,
        author: Option<&str>,
        thread: Option<&str>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        answer(py, self.inner.check(&input(id, text, author, thread)))
    }

    /// Stores a comment.
    #[pyo3(signature = (id, text, author=None, thread=None))]
    fn insert(&mut self, id: &str, text: &str, author: Option<&str>, thread: Option<&str>) {
        self.inner.insert(&input(id, text, author, thread));
    }

    /// Checks a comment, then stores it: the earlier comment it repeats,
    /// or None.
    #[pyo3(signature = (id, text, author=None, thread=None))]
    fn check_and_insert<'py>(
        &mut self,
        py: Python<'py>,
        id: &str,
        text: &str,
        author: Option<&str>,
        thread: Option<&str>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        answer(
            py,
            self.inner
                .check_and_insert(&input(id, text, author, thread)),
        )
    }

    /// Removes a stored comment; whether it was stored.
    fn remove(&mut self, id: &str) -> bool {
        self.inner.remove(id)
    }

    /// Forgets every stored comment.
    fn clear(&mut self) {
        self.inner.clear()
    }

    /// Writes the detector (parameters and stored comments) to `path`.
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        self.inner.save(path).map_err(py_err)
    }

    /// Reads a detector written by `save`.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(PyDuplicateDetector {
            inner: DuplicateDetector::load(path).map_err(py_err)?,
        })
    }

    /// The detector as bytes (the format of `save`).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// A detector from the bytes of `to_bytes`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Ok(PyDuplicateDetector {
            inner: DuplicateDetector::from_bytes(data).map_err(py_err)?,
        })
    }

    /// The number of stored comments.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("DuplicateDetector(<{} comments stored>)", self.inner.len())
    }
}

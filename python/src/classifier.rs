//! `Classifier` for Python: the embedded default model or a trained one,
//! one comment at a time, a list of comments with the GIL released and
//! several threads, or Arrow arrays (see [`crate::arrow`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use comment_sieve::{Classifier, Example, Label, TrainParams};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;

use crate::dedup::PyDuplicateDetector;
use crate::dicts::{self, DictBuilder};
use crate::py_err;
use crate::record::{DupRecord, Record};
use crate::texts::Held;

/// A comment classifier.
#[pyclass(name = "Classifier", module = "comment_sieve", frozen)]
pub struct PyClassifier {
    pub(crate) inner: Classifier,
}

/// Whether a `parent_id` value makes a comment a reply, as in `label`
/// input: a non-empty parent, a reply; an empty one (or None in a list
/// that has parents), a thread starter.
pub(crate) fn reply_of(parent: Option<&str>) -> bool {
    parent.is_some_and(|p| !p.is_empty())
}

/// Runs `f` on `threads` threads: None, rayon's global pool (one thread a
/// core); 1, the calling thread; n, a pool of n threads kept for later
/// calls.
pub(crate) fn on_threads<R: Send>(
    threads: Option<usize>,
    f: impl FnOnce(bool) -> R + Send,
) -> PyResult<R> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    match threads {
        None => Ok(f(true)),
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        Some(1) => Ok(f(false)),
        Some(n) => {
            let pool = {
                let mut pools = POOLS
                    .get_or_init(Default::default)
                    .lock()
                    .expect("no panic holds it");
                match pools.get(&n) {
                    Some(p) => p.clone(),
                    None => {
                        let p = rayon::ThreadPoolBuilder::new()
                            .num_threads(n)
                            .build()
                            .map_err(|e| {
                                PyValueError::new_err(format!("cannot start {n} threads: {e}"))
                            })?;
                        pools.entry(n).or_insert(Arc::new(p)).clone()
                    }
                }
            };
            Ok(pool.install(|| f(true)))
        }
    }
}

/// One comment of a batch, borrowed.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a> {
    pub text: &'a str,
    pub reply: Option<bool>,
}

/// The records of `items`, in order, on `threads` threads; `brief`: only
/// what `classify_arrow` without details needs.
pub(crate) fn records(
    clf: &Classifier,
    items: &[Item<'_>],
    parallel: bool,
    brief: bool,
) -> Vec<Record> {
    let one = |it: &Item<'_>| {
        let v = clf.classify_in_thread(it.text, None, it.reply);
        if brief {
            Record::brief(&v)
        } else {
            Record::new(&v, it.text)
        }
    };
    if parallel {
        items.par_iter().with_min_len(64).map(one).collect()
    } else {
        items.iter().map(one).collect()
    }
}

/// Runs the duplicate check of every record in order (after the parallel
/// classification, so answers do not depend on the thread count).
pub(crate) fn dedup_pass(
    detector: &mut comment_sieve::DuplicateDetector,
    recs: &mut [Record],
    ids: &[&str],
    texts: &[&str],
    authors: Option<&[Option<&str>]>,
    threads: Option<&[Option<&str>]>,
) {
    for (i, rec) in recs.iter_mut().enumerate() {
        let mut input = comment_sieve::DupInput::new(ids[i], texts[i]);
        if let Some(a) = authors.and_then(|a| a[i]) {
            input = input.author(a);
        }
        if let Some(t) = threads.and_then(|t| t[i]) {
            input = input.thread(t);
        }
        rec.duplicate_of = detector
            .check_and_insert(&input)
            .map(|d| DupRecord::from(&d));
    }
}

/// A list argument of optional strings, of `n` items.
fn opt_strings(
    arg: Option<&Bound<'_, PyAny>>,
    name: &str,
    n: usize,
) -> PyResult<Option<Vec<Option<String>>>> {
    let Some(arg) = arg else { return Ok(None) };
    let v: Vec<Option<String>> = arg
        .extract()
        .map_err(|e| PyTypeError::new_err(format!("{name} must be a list of str or None: {e}")))?;
    if v.len() != n {
        return Err(PyValueError::new_err(format!(
            "{name} has {} items for {n} texts",
            v.len()
        )));
    }
    Ok(Some(v))
}

fn as_strs(v: &Option<Vec<Option<String>>>) -> Option<Vec<Option<&str>>> {
    v.as_ref().map(|v| v.iter().map(|s| s.as_deref()).collect())
}

/// Comments classified at a time by `classify_batch` and `classify_arrow`
/// before their dicts or columns are made: the records of a chunk stay in
/// cache while they are turned into dicts or columns, and the Rust side
/// holds one chunk of records, not the whole batch's.
pub(crate) const CHUNK: usize = 8192;

/// Python's cycle collector paused while it lives: the record dicts hold
/// no cycles, and collections triggered by the millions of new containers
/// would otherwise take half the time.
struct GcPause<'py>(Option<Bound<'py, PyModule>>);

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = py.import("gc")?;
        if gc.call_method0("isenabled")?.extract()? {
            gc.call_method0("disable")?;
            return Ok(GcPause(Some(gc)));
        }
        Ok(GcPause(None))
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            // Enabling the collector cannot fail.
            let _ = gc.call_method0("enable");
        }
    }
}

/// Training parameters from keyword arguments.
fn train_params(kw: Option<&Bound<'_, PyDict>>) -> PyResult<TrainParams> {
    let mut p = TrainParams::default();
    if let Some(kw) = kw {
        for (k, v) in kw.iter() {
            let k: String = k.extract()?;
            p = match k.as_str() {
                "alpha" => p.alpha(v.extract()?),
                "label_alpha" => p.label_alpha(v.extract()?),
                "min_df" => p.min_df(v.extract()?),
                "l2" => p.l2(v.extract()?),
                "calibrate" => p.calibrate(v.extract()?),
                "lexicon_min_count" => p.lexicon_min_count(v.extract()?),
                "lexicon_min_ratio" => p.lexicon_min_ratio(v.extract()?),
                _ => {
                    return Err(PyTypeError::new_err(format!(
                        "Classifier.train() got an unknown parameter {k:?} \
                         (alpha, label_alpha, min_df, l2, calibrate, lexicon_min_count, lexicon_min_ratio)"
                    )))
                }
            };
        }
    }
    p.validate().map_err(py_err)?;
    Ok(p)
}

#[pymethods]
impl PyClassifier {
    /// The embedded default model.
    #[new]
    fn new() -> Self {
        PyClassifier {
            inner: Classifier::default(),
        }
    }

    /// The embedded default model.
    #[staticmethod]
    fn default() -> Self {
        Self::new()
    }

    /// Reads a model file written by `save` (or `comment-sieve train`).
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(PyClassifier {
            inner: Classifier::load(path).map_err(py_err)?,
        })
    }

    /// A model from the bytes of `to_bytes`.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Ok(PyClassifier {
            inner: Classifier::from_bytes(data).map_err(py_err)?,
        })
    }

    /// The model file's bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// Writes the model file.
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        self.inner.save(path).map_err(py_err)
    }

    /// Trains a model on `texts` with content labels (`spam`, `abuse`,
    /// `off_topic`, `on_topic`); `sources` names where each text comes
    /// from (calibration leaves sources out). Keyword parameters: `alpha`,
    /// `label_alpha`, `min_df`, `l2`, `calibrate`, `lexicon_min_count`,
    /// `lexicon_min_ratio`.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, sources=None, **params))]
    fn train(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        sources: Option<Vec<String>>,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        if labels.len() != texts.len() {
            return Err(PyValueError::new_err(format!(
                "{} labels for {} texts",
                labels.len(),
                texts.len()
            )));
        }
        if let Some(s) = &sources {
            if s.len() != texts.len() {
                return Err(PyValueError::new_err(format!(
                    "{} sources for {} texts",
                    s.len(),
                    texts.len()
                )));
            }
        }
        let params = train_params(params)?;
        let mut examples = Vec::with_capacity(texts.len());
        for (i, (text, label)) in texts.into_iter().zip(&labels).enumerate() {
            let label: Label = label
                .parse()
                .map_err(|e: String| PyValueError::new_err(format!("labels[{i}]: {e}")))?;
            let mut ex = Example::labeled(text, label);
            if let Some(s) = &sources {
                ex = ex.from_source(s[i].clone());
            }
            examples.push(ex);
        }
        let inner = py
            .detach(|| Classifier::train(&params, &examples))
            .map_err(py_err)?;
        Ok(PyClassifier { inner })
    }

    /// The labels in the order of `probabilities`.
    #[staticmethod]
    fn labels() -> Vec<&'static str> {
        Label::ALL.iter().map(|l| l.as_str()).collect()
    }

    /// Classifies one comment: a dict with the fields of a `label` record
    /// (`label`, `scores`, `reasons`, `toxic_spans`, `duplicate_of`, the
    /// last None: a single comment has no duplicate check).
    #[pyo3(signature = (text, author=None, article_id=None, parent_id=None))]
    fn classify<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        author: Option<&str>,
        article_id: Option<&str>,
        parent_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        // The author and article do not change the classifier's verdict
        // (the moderator uses them); they are accepted for symmetry.
        let _ = (author, article_id);
        let reply = parent_id.map(|p| reply_of(Some(p)));
        DictBuilder::new(py).full(&Record::new(
            &self.inner.classify_in_thread(text, None, reply),
            text,
        ))
    }

    /// Classifies a list of comments with the GIL released, on `threads`
    /// threads (None: one a core): a list of dicts like `classify`'s. The
    /// texts are read in place; [`CHUNK`] comments are classified at a
    /// time and turned into dicts ([`DictBuilder`]) before the next. With
    /// a `detector`, every comment is checked against the earlier ones
    /// (and stored) in list order, which needs `ids`; `authors` and
    /// `article_ids` (the thread) refine the check. With `details=False`
    /// each dict is `label`, `scores`, `top_reason` and `duplicate_of`
    /// only, as `classify_arrow` without details: about a third of the
    /// Python objects, for jobs that keep only the verdict.
    #[pyo3(signature = (texts, ids=None, authors=None, article_ids=None, parent_ids=None, detector=None, threads=None, details=true))]
    #[allow(clippy::too_many_arguments)]
    fn classify_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyString>>,
        ids: Option<&Bound<'py, PyAny>>,
        authors: Option<&Bound<'py, PyAny>>,
        article_ids: Option<&Bound<'py, PyAny>>,
        parent_ids: Option<&Bound<'py, PyAny>>,
        detector: Option<PyRefMut<'py, PyDuplicateDetector>>,
        threads: Option<usize>,
        details: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let n = texts.len();
        let ids = opt_strings(ids, "ids", n)?;
        let authors = opt_strings(authors, "authors", n)?;
        let articles = opt_strings(article_ids, "article_ids", n)?;
        let parents = opt_strings(parent_ids, "parent_ids", n)?;
        let held = Held::new(py, texts)?;
        let texts = held.strs()?;
        let items: Vec<Item<'_>> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Item {
                text: t,
                reply: parents.as_ref().map(|p| reply_of(p[i].as_deref())),
            })
            .collect();
        let mut detector = match detector {
            None => None,
            Some(det) => {
                let ids: Vec<&str> = match &ids {
                    Some(v) => v
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            s.as_deref()
                                .ok_or_else(|| PyValueError::new_err(format!("ids[{i}] is None")))
                        })
                        .collect::<PyResult<_>>()?,
                    None => return Err(PyValueError::new_err("a duplicate check needs ids")),
                };
                Some((det, ids))
            }
        };
        let (authors, articles) = (as_strs(&authors), as_strs(&articles));
        let clf = &self.inner;
        let out = dicts::slots(py, n)?;
        let mut build = DictBuilder::batch(py);
        let _gc = GcPause::new(py)?;
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let part = &items[start..end];
            let mut recs =
                py.detach(|| on_threads(threads, |par| records(clf, part, par, !details)))?;
            if let Some((det, ids)) = &mut detector {
                let det = &mut det.inner;
                let (a, t) = (authors.as_deref(), articles.as_deref());
                py.detach(|| {
                    dedup_pass(
                        det,
                        &mut recs,
                        &ids[start..end],
                        &texts[start..end],
                        a.map(|a| &a[start..end]),
                        t.map(|t| &t[start..end]),
                    )
                });
            }
            for (i, r) in recs.iter().enumerate() {
                let d = if details {
                    build.full(r)?
                } else {
                    build.brief(r)?
                };
                dicts::put(&out, start + i, d.into_any())?;
            }
        }
        Ok(out)
    }

    /// The probability of every label (in the order of `labels()`) for
    /// each text, with the GIL released.
    #[pyo3(signature = (texts, threads=None))]
    fn probabilities(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        threads: Option<usize>,
    ) -> PyResult<Vec<[f64; 4]>> {
        let clf = &self.inner;
        py.detach(|| {
            on_threads(threads, |par| {
                let one = |t: &String| {
                    let p = clf.classify_text(t).probabilities;
                    Label::ALL.map(|l| p.get(l))
                };
                if par {
                    texts.par_iter().map(one).collect()
                } else {
                    texts.iter().map(one).collect()
                }
            })
        })
    }

    /// Classifies a pyarrow `Array` or `ChunkedArray` of strings (string,
    /// large_string or string_view), reading the strings in place, with
    /// the GIL released: a `pyarrow.RecordBatch` of `label`, `scores`
    /// (a struct), with `details` also `reasons` and `toxic_spans`, then
    /// `top_reason` and `duplicate_of`. `ids`, `authors`, `article_ids`,
    /// `parent_ids` are string arrays of the same length; a `detector`
    /// checks duplicates in order (it needs `ids`).
    #[pyo3(signature = (texts, ids=None, authors=None, article_ids=None, parent_ids=None, detector=None, details=false, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn classify_arrow<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        ids: Option<&Bound<'py, PyAny>>,
        authors: Option<&Bound<'py, PyAny>>,
        article_ids: Option<&Bound<'py, PyAny>>,
        parent_ids: Option<&Bound<'py, PyAny>>,
        detector: Option<PyRefMut<'py, PyDuplicateDetector>>,
        details: bool,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::arrow::classify(
            py,
            &self.inner,
            crate::arrow::Inputs {
                texts,
                ids,
                authors,
                article_ids,
                parent_ids,
            },
            detector,
            details,
            threads,
        )
    }

    /// Pickles as the model's bytes (for Spark and multiprocessing).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let from_bytes = slf.getattr("from_bytes")?;
        let bytes = slf.get().to_bytes(py);
        PyTuple::new(
            py,
            [from_bytes.into_any(), PyTuple::new(py, [bytes])?.into_any()],
        )
    }

    fn __repr__(&self) -> String {
        let p = &self.inner.model().provenance;
        format!(
            "Classifier(<trained on {} examples, digest {}>)",
            p.examples, p.digest
        )
    }
}

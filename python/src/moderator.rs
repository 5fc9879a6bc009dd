//! `Moderator` for Python: the site's policy applied with the classifier,
//! each comment's relevance to its article and the duplicate detector, and
//! moderators' corrections fed back into the model.

use comment_sieve::moderate::{Moderator, Policy};
use comment_sieve::Comment;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::classifier::PyClassifier;
use crate::dedup::PyDuplicateDetector;
use crate::py_err;

/// A moderator with a policy.
#[pyclass(name = "Moderator", module = "comment_sieve")]
pub struct PyModerator {
    inner: Moderator,
    /// Ids given to comments moderated without one.
    next_id: u64,
}

/// A policy from a dict of its fields (the others at their defaults).
fn policy(py: Python<'_>, given: Option<&Bound<'_, PyDict>>) -> PyResult<Policy> {
    let Some(given) = given else {
        return Ok(Policy::default());
    };
    let json: String = py
        .import("json")?
        .call_method1("dumps", (given,))?
        .extract()?;
    let given: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| PyTypeError::new_err(format!("policy: {e}")))?;
    let mut merged = match serde_json::to_value(Policy::default()) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => unreachable!("a policy serializes as an object"),
    };
    for (k, v) in given {
        if !merged.contains_key(&k) {
            let known: Vec<&str> = merged.keys().map(String::as_str).collect();
            return Err(PyTypeError::new_err(format!(
                "unknown policy field {k:?} (known: {})",
                known.join(", ")
            )));
        }
        merged.insert(k, v);
    }
    serde_json::from_value(serde_json::Value::Object(merged))
        .map_err(|e| PyValueError::new_err(format!("policy: {e}")))
}

impl PyModerator {
    fn comment(
        &mut self,
        id: Option<&str>,
        text: &str,
        author: Option<&str>,
        article_id: Option<&str>,
        parent_id: Option<&str>,
    ) -> Comment {
        let id = match id {
            Some(id) => id.to_string(),
            None => {
                self.next_id += 1;
                format!("#{}", self.next_id)
            }
        };
        Comment {
            id,
            text: text.to_string(),
            author: author.map(str::to_string),
            article_id: article_id.map(str::to_string),
            reply: parent_id.map(|p| !p.is_empty()),
        }
    }
}

#[pymethods]
impl PyModerator {
    /// A moderator with a classifier (default: the embedded model), a
    /// policy (a dict of `Policy` fields: `hold_spam`, `reject_spam`,
    /// `max_links`, `hold_words`, `block_words`, `trusted_authors`,
    /// `duplicates`, `feedback`, …) and a duplicate detector.
    #[new]
    #[pyo3(signature = (classifier=None, policy=None, detector=None))]
    fn new(
        py: Python<'_>,
        classifier: Option<PyRef<'_, PyClassifier>>,
        policy: Option<&Bound<'_, PyDict>>,
        detector: Option<PyRef<'_, PyDuplicateDetector>>,
    ) -> PyResult<Self> {
        let clf = classifier.map(|c| c.inner.clone()).unwrap_or_default();
        let detector = match detector {
            Some(d) => d.inner.clone(),
            None => crate::dedup::build(None)?,
        };
        let inner =
            Moderator::with_detector(clf, self::policy(py, policy)?, detector).map_err(py_err)?;
        Ok(PyModerator { inner, next_id: 0 })
    }

    /// Registers an article: comments with this `article_id` are judged
    /// for relevance to it.
    fn add_article(&mut self, id: &str, title: &str, body: &str) {
        self.inner.add_article(id, title, body);
    }

    /// Forgets an article.
    fn close_article(&mut self, id: &str) {
        self.inner.close_article(id);
    }

    /// Moderates a comment and remembers it for duplicate checks: a dict
    /// with the fields of a `label --articles` record (`label`, `scores`
    /// with `duplicate`, `reasons` with `rule` and `detail`,
    /// `toxic_spans`, `action`, `duplicate_of`).
    #[pyo3(signature = (text, id=None, author=None, article_id=None, parent_id=None))]
    fn moderate<'py>(
        &mut self,
        py: Python<'py>,
        text: &str,
        id: Option<&str>,
        author: Option<&str>,
        article_id: Option<&str>,
        parent_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.comment(id, text, author, article_id, parent_id);
        let v = self.inner.moderate(&c);
        let mut json = comment_sieve::record::verdict_json(&v, &c.text);
        json.pop();
        json.push_str(",\"duplicate_of\":");
        json.push_str(&serde_json::to_string(&v.duplicate_of).expect("serializable"));
        json.push('}');
        py.import("json")?.call_method1("loads", (json,))
    }

    /// A moderator's correction: `label` is `spam`, `ham` (not spam),
    /// `abuse` or `not_abuse`. Returns whether the model was updated.
    #[pyo3(signature = (text, label, author=None, article_id=None, parent_id=None))]
    fn feedback(
        &mut self,
        text: &str,
        label: &str,
        author: Option<&str>,
        article_id: Option<&str>,
        parent_id: Option<&str>,
    ) -> PyResult<bool> {
        let c = self.comment(Some(""), text, author, article_id, parent_id);
        Ok(match label {
            "spam" => self.inner.submit_spam(&c),
            "ham" => self.inner.submit_ham(&c),
            "abuse" => self.inner.submit_abuse(&c),
            "not_abuse" => self.inner.submit_not_abuse(&c),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "feedback label must be spam, ham, abuse or not_abuse, not {label:?}"
                )))
            }
        })
    }

    /// The classifier, with every correction learned so far.
    #[getter]
    fn classifier(&self) -> PyClassifier {
        PyClassifier {
            inner: self.inner.classifier().clone(),
        }
    }

    /// Saves the model with every correction learned.
    fn save_model(&self, path: std::path::PathBuf) -> PyResult<()> {
        self.inner.save_model(path).map_err(py_err)
    }
}

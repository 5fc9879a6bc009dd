//! Arrow in and out through the Arrow PyCapsule interface
//! (`__arrow_c_array__`): string arrays are read in place (the record
//! batch's strings are never copied into Python or Rust strings), the
//! verdicts come back as a `pyarrow.RecordBatch`.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, StringBuilder};
use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{
    make_array, Array, ArrayRef, Float64Array, Int64Array, LargeStringArray, ListArray,
    RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};
use comment_sieve::Classifier;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::classifier::{dedup_pass, on_threads, records, reply_of, Item, CHUNK};
use crate::dedup::PyDuplicateDetector;
use crate::record::{Record, SCORE_NAMES};

/// One chunk of a string column.
enum Strings {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl Strings {
    fn from_array(a: ArrayRef, name: &str) -> PyResult<Self> {
        let any = a.as_any();
        match a.data_type() {
            DataType::Utf8 => Ok(Strings::Utf8(
                any.downcast_ref::<StringArray>().expect("utf8").clone(),
            )),
            DataType::LargeUtf8 => Ok(Strings::Large(
                any.downcast_ref::<LargeStringArray>()
                    .expect("large utf8")
                    .clone(),
            )),
            DataType::Utf8View => Ok(Strings::View(
                any.downcast_ref::<StringViewArray>()
                    .expect("utf8 view")
                    .clone(),
            )),
            t => Err(PyTypeError::new_err(format!(
                "{name} must be an array of strings (string, large_string or string_view), not {t}"
            ))),
        }
    }

    /// Appends the chunk's values, borrowed, to `out`.
    fn push_into<'a>(&'a self, out: &mut Vec<Option<&'a str>>) {
        match self {
            Strings::Utf8(a) => out.extend(a.iter()),
            Strings::Large(a) => out.extend(a.iter()),
            Strings::View(a) => out.extend(a.iter()),
        }
    }
}

/// Imports one array exported by `__arrow_c_array__`.
fn import_array(obj: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    let schema_ptr = schema
        .pointer_checked(Some(c"arrow_schema"))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array
        .pointer_checked(Some(c"arrow_array"))?
        .cast::<FFI_ArrowArray>();
    // SAFETY: the capsules hold an exported schema and array (the
    // PyCapsule interface's contract); `from_raw` moves the array out and
    // marks the capsule's copy released, so its buffers are released once,
    // when the last Rust reference goes.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(array, schema_ptr.as_ref())
    }
    .map_err(|e| PyValueError::new_err(format!("cannot import the Arrow array: {e}")))?;
    Ok(make_array(data))
}

/// The chunks of a pyarrow `Array` (one) or `ChunkedArray` (its chunks).
fn import_column(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Strings>> {
    if obj.hasattr("__arrow_c_array__")? {
        return Ok(vec![Strings::from_array(import_array(obj)?, name)?]);
    }
    if obj.hasattr("chunks")? {
        let mut out = Vec::new();
        for chunk in obj.getattr("chunks")?.try_iter()? {
            out.push(Strings::from_array(import_array(&chunk?)?, name)?);
        }
        return Ok(out);
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a pyarrow Array or ChunkedArray of strings, not {}",
        obj.get_type().name()?
    )))
}

/// The string arguments of `classify_arrow`.
pub struct Inputs<'a, 'py> {
    /// The comment texts.
    pub texts: &'a Bound<'py, PyAny>,
    /// Their ids (for the duplicate check).
    pub ids: Option<&'a Bound<'py, PyAny>>,
    /// Their authors.
    pub authors: Option<&'a Bound<'py, PyAny>>,
    /// Their articles or threads.
    pub article_ids: Option<&'a Bound<'py, PyAny>>,
    /// What they reply to.
    pub parent_ids: Option<&'a Bound<'py, PyAny>>,
}

fn optional(obj: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<Vec<Strings>>> {
    obj.filter(|o| !o.is_none())
        .map(|o| import_column(o, name))
        .transpose()
}

fn flatten<'a>(
    chunks: &'a [Strings],
    name: &str,
    n: Option<usize>,
) -> PyResult<Vec<Option<&'a str>>> {
    let mut out = Vec::with_capacity(n.unwrap_or(0));
    for c in chunks {
        c.push_into(&mut out);
    }
    if let Some(n) = n {
        if out.len() != n {
            return Err(PyValueError::new_err(format!(
                "{name} has {} values for {n} texts",
                out.len()
            )));
        }
    }
    Ok(out)
}

/// The verdicts on an Arrow column of comments (see
/// `Classifier.classify_arrow`).
#[allow(clippy::too_many_arguments)]
pub fn classify<'py>(
    py: Python<'py>,
    clf: &Classifier,
    inputs: Inputs<'_, 'py>,
    detector: Option<PyRefMut<'py, PyDuplicateDetector>>,
    details: bool,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let text_chunks = import_column(inputs.texts, "texts")?;
    let id_chunks = optional(inputs.ids, "ids")?;
    let author_chunks = optional(inputs.authors, "authors")?;
    let article_chunks = optional(inputs.article_ids, "article_ids")?;
    let parent_chunks = optional(inputs.parent_ids, "parent_ids")?;

    let texts = flatten(&text_chunks, "texts", None)?;
    let n = texts.len();
    fn col<'a>(
        c: &'a Option<Vec<Strings>>,
        name: &str,
        n: usize,
    ) -> PyResult<Option<Vec<Option<&'a str>>>> {
        c.as_deref().map(|c| flatten(c, name, Some(n))).transpose()
    }
    let ids = col(&id_chunks, "ids", n)?;
    let authors = col(&author_chunks, "authors", n)?;
    let articles = col(&article_chunks, "article_ids", n)?;
    let parents = col(&parent_chunks, "parent_ids", n)?;

    let mut items = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        let text = t.ok_or_else(|| {
            PyValueError::new_err(format!("texts[{i}] is null: every comment needs a text"))
        })?;
        let reply = parents.as_ref().map(|p| reply_of(p[i]));
        items.push(Item { text, reply });
    }
    let batch = {
        let mut det = detector;
        let ids: Option<Vec<&str>> = match (&mut det, &ids) {
            (None, _) => None,
            (Some(_), None) => return Err(PyValueError::new_err("a duplicate check needs ids")),
            (Some(_), Some(ids)) => Some(
                ids.iter()
                    .enumerate()
                    .map(|(i, s)| {
                        s.ok_or_else(|| PyValueError::new_err(format!("ids[{i}] is null")))
                    })
                    .collect::<PyResult<_>>()?,
            ),
        };
        let det = det.as_mut().map(|d| &mut d.inner);
        let item_texts: Vec<&str> = items.iter().map(|it| it.text).collect();
        py.detach(|| -> PyResult<RecordBatch> {
            let mut cols = Columns::new(n, details);
            let mut det = det;
            for start in (0..n).step_by(CHUNK) {
                let end = (start + CHUNK).min(n);
                let part = &items[start..end];
                let mut recs = on_threads(threads, |par| records(clf, part, par, !details))?;
                if let (Some(det), Some(ids)) = (det.as_deref_mut(), &ids) {
                    dedup_pass(
                        det,
                        &mut recs,
                        &ids[start..end],
                        &item_texts[start..end],
                        authors.as_deref().map(|a| &a[start..end]),
                        articles.as_deref().map(|t| &t[start..end]),
                    );
                }
                cols.push(&recs);
            }
            Ok(cols.finish())
        })?
    };
    export(py, batch)
}

fn field(name: &str, t: DataType) -> Field {
    Field::new(name, t, true)
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, true)))
}

/// `List<Int64>` of pairs, from their flat values.
fn pairs(values: Vec<i64>) -> ListArray {
    let n = values.len() / 2;
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(2, n));
    ListArray::new(
        Arc::new(Field::new("item", DataType::Int64, true)),
        offsets,
        Arc::new(Int64Array::from(values)),
        None,
    )
}

/// The Arrow types of the verdict columns, by name.
fn scores_type() -> Fields {
    SCORE_NAMES
        .iter()
        .map(|n| field(n, DataType::Float64))
        .collect()
}

fn reason_fields() -> Fields {
    Fields::from(vec![
        field("token", DataType::Utf8),
        field("weight", DataType::Float64),
        field("span", list_of(DataType::Int64)),
        field("chars", list_of(DataType::Int64)),
    ])
}

fn dup_fields() -> Fields {
    Fields::from(vec![
        field("id", DataType::Utf8),
        field("kind", DataType::Utf8),
        field("similarity", DataType::Float64),
        field("same_author", DataType::Boolean),
        field("shared_links", DataType::Boolean),
    ])
}

/// The verdict columns, filled chunk by chunk of records (reserved for the
/// whole batch up front, so that appending allocates nothing but the
/// occasional growth of the strings and the reasons).
struct Columns {
    details: bool,
    label: StringBuilder,
    scores: [Vec<f64>; 5],
    /// Per record, its number of reasons (with details).
    reason_counts: Vec<usize>,
    token: StringBuilder,
    weight: Vec<f64>,
    span: Vec<i64>,
    chars: Vec<i64>,
    /// Per record, its number of toxic spans (with details).
    toxic_counts: Vec<usize>,
    toxic: Vec<i64>,
    top_reason: StringBuilder,
    dup_valid: Vec<bool>,
    dup_id: StringBuilder,
    dup_kind: StringBuilder,
    dup_similarity: Float64Builder,
    dup_same_author: BooleanBuilder,
    dup_shared_links: BooleanBuilder,
}

/// Bytes reserved a value for the label and top-reason columns, and
/// reasons a record for the reasons column (the YouTube comments average
/// 3.2), before they grow.
const LABEL_BYTES: usize = 8;
const TOKEN_BYTES: usize = 8;
const REASONS: usize = 4;

impl Columns {
    fn new(n: usize, details: bool) -> Self {
        let d = if details { n } else { 0 };
        Columns {
            details,
            label: StringBuilder::with_capacity(n, n * LABEL_BYTES),
            scores: std::array::from_fn(|_| Vec::with_capacity(n)),
            reason_counts: Vec::with_capacity(d),
            token: StringBuilder::with_capacity(d * REASONS, d * REASONS * TOKEN_BYTES),
            weight: Vec::with_capacity(d * REASONS),
            span: Vec::with_capacity(d * REASONS * 2),
            chars: Vec::with_capacity(d * REASONS * 2),
            toxic_counts: Vec::with_capacity(d),
            toxic: Vec::new(),
            top_reason: StringBuilder::with_capacity(n, n * TOKEN_BYTES),
            dup_valid: Vec::with_capacity(n),
            dup_id: StringBuilder::new(),
            dup_kind: StringBuilder::new(),
            dup_similarity: Float64Builder::with_capacity(n),
            dup_same_author: BooleanBuilder::with_capacity(n),
            dup_shared_links: BooleanBuilder::with_capacity(n),
        }
    }

    fn push(&mut self, recs: &[Record]) {
        for r in recs {
            self.label.append_value(r.label);
            for (col, &x) in self.scores.iter_mut().zip(&r.scores) {
                col.push(x);
            }
            if self.details {
                self.reason_counts.push(r.reasons.len());
                for x in &r.reasons {
                    self.token.append_value(x.token.as_str());
                    self.weight.push(x.weight);
                    self.span.extend(x.span.map(|v| v as i64));
                    self.chars.extend(x.chars.map(|v| v as i64));
                }
                self.toxic_counts.push(r.toxic_spans.len());
                for s in &r.toxic_spans {
                    self.toxic.extend(s.map(|v| v as i64));
                }
            }
            self.top_reason
                .append_option(r.top_reason.as_ref().map(|t| t.as_str()));
            let d = r.duplicate_of.as_ref();
            self.dup_valid.push(d.is_some());
            self.dup_id.append_option(d.map(|d| d.id.as_str()));
            self.dup_kind.append_option(d.map(|d| d.kind));
            self.dup_similarity.append_option(d.map(|d| d.similarity));
            self.dup_same_author.append_option(d.map(|d| d.same_author));
            self.dup_shared_links
                .append_option(d.map(|d| d.shared_links));
        }
    }

    /// The record batch.
    fn finish(mut self) -> RecordBatch {
        let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
        columns.push(("label", Arc::new(self.label.finish())));
        let scores: Vec<ArrayRef> = self
            .scores
            .into_iter()
            .map(|v| Arc::new(Float64Array::from(v)) as ArrayRef)
            .collect();
        columns.push((
            "scores",
            Arc::new(StructArray::new(scores_type(), scores, None)),
        ));
        if self.details {
            let reason_struct = StructArray::new(
                reason_fields(),
                vec![
                    Arc::new(self.token.finish()),
                    Arc::new(Float64Array::from(self.weight)),
                    Arc::new(pairs(self.span)),
                    Arc::new(pairs(self.chars)),
                ],
                None,
            );
            let reasons = ListArray::new(
                Arc::new(Field::new("item", DataType::Struct(reason_fields()), true)),
                OffsetBuffer::from_lengths(self.reason_counts),
                Arc::new(reason_struct),
                None,
            );
            columns.push(("reasons", Arc::new(reasons)));
            let spans = ListArray::new(
                Arc::new(Field::new("item", list_of(DataType::Int64), true)),
                OffsetBuffer::from_lengths(self.toxic_counts),
                Arc::new(pairs(self.toxic)),
                None,
            );
            columns.push(("toxic_spans", Arc::new(spans)));
        }
        columns.push(("top_reason", Arc::new(self.top_reason.finish())));
        let dup = StructArray::new(
            dup_fields(),
            vec![
                Arc::new(self.dup_id.finish()),
                Arc::new(self.dup_kind.finish()),
                Arc::new(self.dup_similarity.finish()),
                Arc::new(self.dup_same_author.finish()),
                Arc::new(self.dup_shared_links.finish()),
            ],
            Some(NullBuffer::from(self.dup_valid)),
        );
        columns.push(("duplicate_of", Arc::new(dup)));
        RecordBatch::try_from_iter_with_nullable(columns.into_iter().map(|(n, a)| (n, a, true)))
            .expect("the columns have one length")
    }
}

/// A record batch on its way to Python: exported through
/// `__arrow_c_array__`, which `pyarrow.record_batch` reads.
#[pyclass(name = "_ArrowBatch", module = "comment_sieve", frozen)]
pub struct ArrowBatch {
    batch: StructArray,
}

#[pymethods]
impl ArrowBatch {
    /// The batch as (schema, array) capsules of the Arrow C data interface.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let (array, schema) = to_ffi(&self.batch.to_data())
            .map_err(|e| PyValueError::new_err(format!("cannot export the record batch: {e}")))?;
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}

fn export<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let obj = Bound::new(
        py,
        ArrowBatch {
            batch: StructArray::from(batch),
        },
    )?;
    py.import("pyarrow")?.call_method1("record_batch", (obj,))
}

//! Arrow in and out through the Arrow PyCapsule interface
//! (`__arrow_c_array__`): string arrays are read in place (the record
//! batch's strings are never copied into Python or Rust strings), the
//! verdicts come back as a `pyarrow.RecordBatch`.

use std::sync::Arc;

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{
    make_array, Array, ArrayRef, BooleanArray, Float64Array, Int64Array, LargeStringArray,
    ListArray, RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};
use comment_sieve::Classifier;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::classifier::{dedup_pass, on_threads, records, reply_of, Item};
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
            let mut recs = on_threads(threads, |par| records(clf, &items, par, !details))?;
            if let (Some(det), Some(ids)) = (det, &ids) {
                dedup_pass(
                    det,
                    &mut recs,
                    ids,
                    &item_texts,
                    authors.as_deref(),
                    articles.as_deref(),
                );
            }
            Ok(build_batch(&recs, details))
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

/// `List<Int64>` of pairs.
fn pairs(p: impl Iterator<Item = [usize; 2]>, n: usize) -> ListArray {
    let values: Vec<i64> = p.flat_map(|[a, b]| [a as i64, b as i64]).collect();
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

/// The record batch of `recs`.
fn build_batch(recs: &[Record], details: bool) -> RecordBatch {
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    columns.push((
        "label",
        Arc::new(StringArray::from_iter_values(recs.iter().map(|r| r.label))),
    ));
    let scores: Vec<ArrayRef> = (0..SCORE_NAMES.len())
        .map(|k| {
            Arc::new(Float64Array::from_iter_values(
                recs.iter().map(|r| r.scores[k]),
            )) as ArrayRef
        })
        .collect();
    columns.push((
        "scores",
        Arc::new(StructArray::new(scores_type(), scores, None)),
    ));
    if details {
        let all: Vec<&crate::record::Reason> = recs.iter().flat_map(|r| &r.reasons).collect();
        let m = all.len();
        let reason_struct = StructArray::new(
            reason_fields(),
            vec![
                Arc::new(StringArray::from_iter_values(
                    all.iter().map(|r| r.token.as_str()),
                )),
                Arc::new(Float64Array::from_iter_values(all.iter().map(|r| r.weight))),
                Arc::new(pairs(all.iter().map(|r| r.span), m)),
                Arc::new(pairs(all.iter().map(|r| r.chars), m)),
            ],
            None,
        );
        let reasons = ListArray::new(
            Arc::new(Field::new("item", DataType::Struct(reason_fields()), true)),
            OffsetBuffer::from_lengths(recs.iter().map(|r| r.reasons.len())),
            Arc::new(reason_struct),
            None,
        );
        columns.push(("reasons", Arc::new(reasons)));
        let nspans: usize = recs.iter().map(|r| r.toxic_spans.len()).sum();
        let spans = ListArray::new(
            Arc::new(Field::new("item", list_of(DataType::Int64), true)),
            OffsetBuffer::from_lengths(recs.iter().map(|r| r.toxic_spans.len())),
            Arc::new(pairs(
                recs.iter().flat_map(|r| r.toxic_spans.iter().copied()),
                nspans,
            )),
            None,
        );
        columns.push(("toxic_spans", Arc::new(spans)));
    }
    columns.push((
        "top_reason",
        Arc::new(StringArray::from_iter(
            recs.iter()
                .map(|r| r.reasons.first().map(|x| x.token.as_str())),
        )),
    ));
    let dups: Vec<Option<&crate::record::DupRecord>> =
        recs.iter().map(|r| r.duplicate_of.as_ref()).collect();
    let valid = NullBuffer::from(dups.iter().map(|d| d.is_some()).collect::<Vec<_>>());
    let dup = StructArray::new(
        dup_fields(),
        vec![
            Arc::new(StringArray::from_iter(
                dups.iter().map(|d| d.map(|d| d.id.as_str())),
            )),
            Arc::new(StringArray::from_iter(
                dups.iter().map(|d| d.map(|d| d.kind)),
            )),
            Arc::new(Float64Array::from_iter(
                dups.iter().map(|d| d.map(|d| d.similarity)),
            )),
            Arc::new(BooleanArray::from_iter(
                dups.iter().map(|d| d.map(|d| d.same_author)),
            )),
            Arc::new(BooleanArray::from_iter(
                dups.iter().map(|d| d.map(|d| d.shared_links)),
            )),
        ],
        Some(valid),
    );
    columns.push(("duplicate_of", Arc::new(dup)));
    RecordBatch::try_from_iter_with_nullable(columns.into_iter().map(|(n, a)| (n, a, true)))
        .expect("the columns have one length")
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

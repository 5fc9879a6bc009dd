//! Records as Python dicts, built with as little work per record as the
//! output allows.
//!
//! Keys are interned strings made once a batch, labels and duplicate kinds
//! too. Reason tokens repeat across a batch (a vocabulary of a few
//! thousand), and Python strings are immutable, so a batch [`DictBuilder`]
//! makes each distinct token once and puts the same object into every
//! record that has it; floats too, through a small cache (a large one was
//! measured slower than none). CPython already shares the ints up to 256
//! that most offsets are. Lists are created at their final length and
//! filled in place; values go into dicts without reference-count traffic.
//! What is left is the containers themselves (the dicts and lists, new for
//! every record since the caller may change them).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use compact_str::CompactString;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};

use crate::record::{DupRecord, Record, SCORE_NAMES};

/// Slots of the float cache: 2^10 floats, 16 KiB, small enough to stay
/// in the processor's first-level cache. A batch's scores and weights are
/// rounded (4 and 3 digits) and crowd near 0 and 1, so many repeat; a
/// table of every value seen was measured slower than no cache at all
/// (its lookups miss the processor's caches), this one keeps the hits
/// cheap and a miss costs only the float it makes anyway.
const FLOAT_BITS: u32 = 10;
const FLOAT_SLOTS: usize = 1 << FLOAT_BITS;
/// Tokens kept per batch at most; past it new tokens are made per record
/// (a batch of that many distinct tokens gains little from sharing).
const MAX_TOKENS: usize = 1 << 20;

/// The multiply-rotate hash of rustc (`FxHasher`): the keys here are short
/// tokens and float bit patterns from the library, not attacker-chosen
/// keys of a long-lived table, so a fast hash is the right one.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, x: u8) {
        self.add(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }
    fn write_usize(&mut self, x: usize) {
        self.add(x as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The interned keys of the record dicts.
struct Keys<'py> {
    label: Bound<'py, PyString>,
    scores: Bound<'py, PyString>,
    reasons: Bound<'py, PyString>,
    toxic_spans: Bound<'py, PyString>,
    duplicate_of: Bound<'py, PyString>,
    top_reason: Bound<'py, PyString>,
    token: Bound<'py, PyString>,
    weight: Bound<'py, PyString>,
    span: Bound<'py, PyString>,
    chars: Bound<'py, PyString>,
    score_names: [Bound<'py, PyString>; 5],
    id: Bound<'py, PyString>,
    kind: Bound<'py, PyString>,
    similarity: Bound<'py, PyString>,
    same_author: Bound<'py, PyString>,
    shared_links: Bound<'py, PyString>,
}

impl<'py> Keys<'py> {
    fn new(py: Python<'py>) -> Self {
        let k = |s: &str| PyString::intern(py, s);
        Keys {
            label: k("label"),
            scores: k("scores"),
            reasons: k("reasons"),
            toxic_spans: k("toxic_spans"),
            duplicate_of: k("duplicate_of"),
            top_reason: k("top_reason"),
            token: k("token"),
            weight: k("weight"),
            span: k("span"),
            chars: k("chars"),
            score_names: SCORE_NAMES.map(k),
            id: k("id"),
            kind: k("kind"),
            similarity: k("similarity"),
            same_author: k("same_author"),
            shared_links: k("shared_links"),
        }
    }
}

/// Turns records into dicts, sharing the immutable values of a batch
/// (one builder a batch).
pub struct DictBuilder<'py> {
    py: Python<'py>,
    keys: Keys<'py>,
    /// Whether to keep the values made, for the later records of a batch
    /// (not for a single record).
    share: bool,
    /// Labels and duplicate kinds: a handful of static strings.
    words: Vec<(&'static str, Bound<'py, PyString>)>,
    tokens: FxMap<CompactString, Bound<'py, PyString>>,
    /// A small direct-mapped cache of floats by their bits (see
    /// [`FLOAT_SLOTS`]); empty for a single record.
    floats: Vec<Option<(u64, Bound<'py, PyAny>)>>,
}

/// A value to put into a dict or list: borrowed from the builder's caches
/// or new.
enum Value<'py> {
    Shared(*mut ffi::PyObject),
    New(Bound<'py, PyAny>),
}

impl Value<'_> {
    fn ptr(&self) -> *mut ffi::PyObject {
        match self {
            Value::Shared(p) => *p,
            Value::New(b) => b.as_ptr(),
        }
    }

    /// An owned reference, for a list slot.
    fn into_owned_ptr(self) -> *mut ffi::PyObject {
        match self {
            Value::Shared(p) => {
                // SAFETY: `p` is alive (held by the builder's cache, or None).
                unsafe { ffi::Py_IncRef(p) };
                p
            }
            Value::New(b) => b.into_ptr(),
        }
    }
}

/// `d[k] = v`.
fn set(d: &Bound<'_, PyDict>, k: &Bound<'_, PyString>, v: Value<'_>) -> PyResult<()> {
    // SAFETY: the three objects are alive; PyDict_SetItem takes its own
    // references.
    if unsafe { ffi::PyDict_SetItem(d.as_ptr(), k.as_ptr(), v.ptr()) } < 0 {
        return Err(PyErr::fetch(d.py()));
    }
    Ok(())
}

/// A new list of `n` items made by `item`, filled in place.
fn list_of<'py>(
    py: Python<'py>,
    n: usize,
    mut item: impl FnMut(usize) -> PyResult<Value<'py>>,
) -> PyResult<Bound<'py, PyList>> {
    let list = slots(py, n)?;
    for i in 0..n {
        let v = item(i)?.into_owned_ptr();
        // SAFETY: a slot of the new list, set once; the reference is stolen.
        if unsafe { ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, v) } < 0 {
            return Err(PyErr::fetch(py));
        }
    }
    Ok(list)
}

impl<'py> DictBuilder<'py> {
    /// A builder for one record: nothing kept.
    pub fn new(py: Python<'py>) -> Self {
        DictBuilder {
            py,
            keys: Keys::new(py),
            share: false,
            words: Vec::new(),
            tokens: FxMap::default(),
            floats: Vec::new(),
        }
    }

    /// A builder for a batch: the values made are kept for the later
    /// records.
    pub fn batch(py: Python<'py>) -> Self {
        DictBuilder {
            share: true,
            floats: vec![None; FLOAT_SLOTS],
            ..Self::new(py)
        }
    }

    /// The string of a label or a duplicate kind.
    fn word(&mut self, w: &'static str) -> Value<'py> {
        if let Some((_, s)) = self.words.iter().find(|(x, _)| *x == w) {
            return Value::Shared(s.as_ptr());
        }
        let s = PyString::intern(self.py, w);
        let p = s.as_ptr();
        self.words.push((w, s));
        Value::Shared(p)
    }

    fn token(&mut self, t: &CompactString) -> Value<'py> {
        if !self.share {
            return Value::New(PyString::new(self.py, t).into_any());
        }
        if let Some(s) = self.tokens.get(t.as_str()) {
            return Value::Shared(s.as_ptr());
        }
        let s = PyString::new(self.py, t);
        if self.tokens.len() >= MAX_TOKENS {
            return Value::New(s.into_any());
        }
        let p = s.as_ptr();
        self.tokens.insert(t.clone(), s);
        Value::Shared(p)
    }

    fn float(&mut self, x: f64) -> Value<'py> {
        if self.floats.is_empty() {
            return Value::New(PyFloat::new(self.py, x).into_any());
        }
        let bits = x.to_bits();
        let slot = (bits.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - FLOAT_BITS)) as usize;
        if let Some((b, f)) = &self.floats[slot] {
            if *b == bits {
                return Value::Shared(f.as_ptr());
            }
        }
        let f = PyFloat::new(self.py, x).into_any();
        let p = f.as_ptr();
        // The float it replaces lives on in the records that have it.
        self.floats[slot] = Some((bits, f));
        Value::Shared(p)
    }

    fn int(&self, v: usize) -> PyResult<Value<'py>> {
        // SAFETY: PyLong_FromSize_t returns a new reference (CPython's own
        // for 0 to 256) or NULL with an exception set.
        let i = unsafe { Bound::from_owned_ptr_or_err(self.py, ffi::PyLong_FromSize_t(v))? };
        Ok(Value::New(i))
    }

    /// `[a, b]` as a new list.
    fn pair(&mut self, [a, b]: [usize; 2]) -> PyResult<Value<'py>> {
        let mut ab = [Some(self.int(a)?), Some(self.int(b)?)];
        Ok(Value::New(
            list_of(self.py, 2, |i| Ok(ab[i].take().expect("set once")))?.into_any(),
        ))
    }

    fn scores(&mut self, scores: &[f64; 5]) -> PyResult<Value<'py>> {
        let d = PyDict::new(self.py);
        for (k, &x) in scores.iter().enumerate() {
            let v = self.float(x);
            set(&d, &self.keys.score_names[k], v)?;
        }
        Ok(Value::New(d.into_any()))
    }

    fn duplicate(&mut self, dup: Option<&DupRecord>) -> PyResult<Value<'py>> {
        match dup {
            Some(dup) => Ok(Value::New(self.duplicate_dict(dup)?.into_any())),
            None => Ok(Value::Shared(self.py.None().as_ptr())),
        }
    }

    /// The duplicate as the dict `{id, kind, similarity, same_author,
    /// shared_links}`.
    pub fn duplicate_dict(&mut self, dup: &DupRecord) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(self.py);
        d.set_item(&self.keys.id, &dup.id)?;
        let kind = self.word(dup.kind);
        set(&d, &self.keys.kind, kind)?;
        let sim = self.float(dup.similarity);
        set(&d, &self.keys.similarity, sim)?;
        d.set_item(&self.keys.same_author, dup.same_author)?;
        d.set_item(&self.keys.shared_links, dup.shared_links)?;
        Ok(d)
    }

    /// A new record dict with its first fields, `label` and `scores`.
    fn label_and_scores(&mut self, r: &Record) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(self.py);
        let label = self.word(r.label);
        set(&d, &self.keys.label, label)?;
        let scores = self.scores(&r.scores)?;
        set(&d, &self.keys.scores, scores)?;
        Ok(d)
    }

    /// Record dict `d` with its last field, `duplicate_of`.
    fn with_duplicate(
        &mut self,
        d: Bound<'py, PyDict>,
        r: &Record,
    ) -> PyResult<Bound<'py, PyDict>> {
        let dup = self.duplicate(r.duplicate_of.as_ref())?;
        set(&d, &self.keys.duplicate_of, dup)?;
        Ok(d)
    }

    /// The record as a dict: `label`, `scores`, `reasons` (dicts of
    /// `token`, `weight`, `span`, `chars`), `toxic_spans`, `duplicate_of`.
    pub fn full(&mut self, r: &Record) -> PyResult<Bound<'py, PyDict>> {
        let py = self.py;
        let d = self.label_and_scores(r)?;
        let reasons = list_of(py, r.reasons.len(), |i| {
            let reason = &r.reasons[i];
            let rd = PyDict::new(py);
            let token = self.token(&reason.token);
            set(&rd, &self.keys.token, token)?;
            let weight = self.float(reason.weight);
            set(&rd, &self.keys.weight, weight)?;
            let span = self.pair(reason.span)?;
            set(&rd, &self.keys.span, span)?;
            let chars = self.pair(reason.chars)?;
            set(&rd, &self.keys.chars, chars)?;
            Ok(Value::New(rd.into_any()))
        })?;
        set(&d, &self.keys.reasons, Value::New(reasons.into_any()))?;
        let spans = list_of(py, r.toxic_spans.len(), |i| self.pair(r.toxic_spans[i]))?;
        set(&d, &self.keys.toxic_spans, Value::New(spans.into_any()))?;
        self.with_duplicate(d, r)
    }

    /// The brief record as a dict: `label`, `scores`, `top_reason` (the
    /// first reason's token, or None) and `duplicate_of`.
    pub fn brief(&mut self, r: &Record) -> PyResult<Bound<'py, PyDict>> {
        let py = self.py;
        let d = self.label_and_scores(r)?;
        let top = match &r.top_reason {
            Some(t) => self.token(t),
            None => Value::Shared(py.None().as_ptr()),
        };
        set(&d, &self.keys.top_reason, top)?;
        self.with_duplicate(d, r)
    }
}

/// A list of `n` slots to fill with [`put`], slot by slot (a batch's
/// records are made chunk by chunk).
pub fn slots(py: Python<'_>, n: usize) -> PyResult<Bound<'_, PyList>> {
    // SAFETY: a new list of n empty slots, or NULL with an exception set;
    // a list with empty slots left (after an error) is still valid to free.
    unsafe {
        Ok(
            Bound::from_owned_ptr_or_err(py, ffi::PyList_New(n as ffi::Py_ssize_t))?
                .cast_into_unchecked::<PyList>(),
        )
    }
}

/// Sets slot `i` (below the list's length) of a list made by [`slots`].
pub fn put<'py>(list: &Bound<'py, PyList>, i: usize, v: Bound<'py, PyAny>) -> PyResult<()> {
    // SAFETY: PyList_SetItem checks the index and steals the reference.
    if unsafe { ffi::PyList_SetItem(list.as_ptr(), i as ffi::Py_ssize_t, v.into_ptr()) } < 0 {
        return Err(PyErr::fetch(list.py()));
    }
    Ok(())
}

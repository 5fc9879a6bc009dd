//! The texts of a Python list read in place: a `str` keeps its UTF-8 form
//! (for an ASCII string, its own characters), so a batch borrows it instead
//! of copying every comment into a Rust `String`.

use std::borrow::Cow;
use std::os::raw::c_char;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

extern "C" {
    // In the stable ABI since Python 3.10 (and present, with this
    // signature, in every CPython 3); pyo3 declares it only for 3.10 and
    // later builds, and this wheel is built for 3.9, so it is called only
    // when the running Python is 3.10 or later.
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut ffi::PyObject,
        size: *mut ffi::Py_ssize_t,
    ) -> *const c_char;
}

/// The texts of a batch, held alive while Rust reads them.
pub enum Held<'py> {
    /// The Python strings themselves (Python 3.10 and later): read in place.
    Borrowed(Vec<Bound<'py, PyString>>),
    /// Copies (Python 3.9, whose stable ABI has no way to read a `str` in
    /// place).
    Owned(Vec<String>),
}

impl<'py> Held<'py> {
    /// Holds `texts`, copying them only on Python 3.9.
    pub fn new(py: Python<'py>, texts: Vec<Bound<'py, PyString>>) -> PyResult<Self> {
        if py.version_info() >= (3, 10) {
            return Ok(Held::Borrowed(texts));
        }
        Ok(Held::Owned(
            texts
                .iter()
                .map(|s| s.to_cow().map(Cow::into_owned))
                .collect::<PyResult<_>>()?,
        ))
    }

    /// The texts as `&str`, in order (a `UnicodeEncodeError` for a string
    /// with a lone surrogate, as when copying it).
    pub fn strs(&self) -> PyResult<Vec<&str>> {
        match self {
            Held::Owned(v) => Ok(v.iter().map(String::as_str).collect()),
            Held::Borrowed(v) => v.iter().map(utf8).collect(),
        }
    }
}

/// The UTF-8 form of `s`, borrowed from the string object.
fn utf8<'a>(s: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a str (Python 3.10 or later, see `Held::new`); the
    // function returns its UTF-8 form, kept in the object (immutable) for
    // as long as the object lives, which `&'a Bound` guarantees, or NULL
    // with an exception set.
    unsafe {
        let p = PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut len);
        if p.is_null() {
            return Err(PyErr::fetch(s.py()));
        }
        let bytes = std::slice::from_raw_parts(p.cast::<u8>(), len as usize);
        Ok(std::str::from_utf8_unchecked(bytes))
    }
}

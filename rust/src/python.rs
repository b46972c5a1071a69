//! The bindings: `dedup._core`. Every call releases the GIL for its work (`Python::detach`;
//! the key index only for its merges, see `PyKeyIndex`)
//! and runs it under `guard::guarded`, so a panic raises `dedup.errors.CoreError`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PySet};

use crate::guard::{guarded, keep_panic_messages};
use crate::{keyindex, shingles, sketch, text};

/// A panic's message as `dedup.errors.CoreError` (defined in Python, a `DedupError`).
fn core_error(py: Python<'_>, function: &str, message: String) -> PyErr {
    let raised = py
        .import("dedup.errors")
        .and_then(|m| m.getattr("CoreError"))
        .and_then(|cls| cls.call1((format!("dedup's native core failed in {function}: {message}"),)));
    match raised {
        Ok(err) => PyErr::from_value(err),
        Err(e) => e,
    }
}

/// Run `f` without the GIL, a panic raised as `CoreError`.
fn run<T: Send>(py: Python<'_>, function: &str, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| guarded(f)).map_err(|message| core_error(py, function, message))
}

/// Run `f` holding the GIL (a call too short to be worth releasing it), a panic raised as
/// `CoreError`.
fn run_held<T>(py: Python<'_>, function: &str, f: impl FnOnce() -> T) -> PyResult<T> {
    guarded(f).map_err(|message| core_error(py, function, message))
}

fn check_size(size: usize) -> PyResult<usize> {
    if size == 0 {
        return Err(PyValueError::new_err("shingle size must be at least 1, got 0"));
    }
    Ok(size)
}

fn u32s(raw: &[u8]) -> PyResult<Vec<u32>> {
    if raw.len() % 4 != 0 {
        return Err(PyValueError::new_err(format!(
            "expected 32-bit values (a multiple of 4 bytes), got {} bytes",
            raw.len()
        )));
    }
    Ok(raw.chunks_exact(4).map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect())
}

fn to_bytes<'py>(py: Python<'py>, values: &[u32]) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, values.len() * 4, |buf| {
        for (dst, v) in buf.chunks_exact_mut(4).zip(values) {
            dst.copy_from_slice(&v.to_ne_bytes());
        }
        Ok(())
    })
}

#[pyfunction]
fn normalise(py: Python<'_>, text: &str) -> PyResult<String> {
    run(py, "normalise", || text::normalise(text))
}

/// The combining marks' code point ranges (categories Mn, Mc, Me of Unicode 14.0.0),
/// for Python-side patterns that must read words as the core does.
#[pyfunction]
fn mark_ranges() -> Vec<(u32, u32)> {
    crate::tables::MARK.to_vec()
}

#[pyfunction]
fn words<'a>(py: Python<'_>, text: &'a str) -> PyResult<Vec<&'a str>> {
    run(py, "words", || text::words(text))
}

#[pyfunction]
fn shingle_hashes<'py>(py: Python<'py>, tokens: Vec<String>, size: usize) -> PyResult<Bound<'py, PyBytes>> {
    let size = check_size(size)?;
    let hashes = run(py, "shingle_hashes", || {
        shingles::shingle_hashes(&shingles::word_hashes(&tokens), size)
    })?;
    to_bytes(py, &hashes)
}

#[pyfunction]
fn text_shingles<'py>(py: Python<'py>, normalised: &str, size: usize) -> PyResult<(Bound<'py, PyBytes>, usize)> {
    let size = check_size(size)?;
    let (hashes, count) = run(py, "text_shingles", || {
        let tokens = text::words(normalised);
        (shingles::shingle_hashes(&shingles::word_hashes(&tokens), size), tokens.len())
    })?;
    Ok((to_bytes(py, &hashes)?, count))
}

#[pyfunction]
fn shingle_text<'py>(
    py: Python<'py>,
    body: &str,
    size: usize,
) -> PyResult<(String, usize, Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let size = check_size(size)?;
    let (done, set) = run(py, "shingle_text", || {
        let done = shingles::shingle_text(body, size);
        let set = shingles::shingle_set(&done.ordered);
        (done, set)
    })?;
    Ok((done.body_hash, done.words, to_bytes(py, &done.ordered)?, to_bytes(py, &set)?))
}

#[pyfunction]
fn shingle_set<'py>(py: Python<'py>, hashes: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let values = u32s(hashes)?;
    let set = run(py, "shingle_set", || shingles::shingle_set(&values))?;
    to_bytes(py, &set)
}

#[pyclass(name = "Sketcher", module = "dedup._core", frozen)]
struct PySketcher {
    inner: sketch::Sketcher,
}

#[pymethods]
impl PySketcher {
    #[new]
    fn new(a: Vec<u32>, b: Vec<u32>, lead_shingles: usize) -> PyResult<Self> {
        let inner = sketch::Sketcher::new(a, b, lead_shingles).map_err(PyValueError::new_err)?;
        Ok(PySketcher { inner })
    }

    #[getter]
    fn num_perm(&self) -> usize {
        self.inner.num_perm()
    }

    fn sketch<'py>(&self, py: Python<'py>, hashes: &[u8]) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let values = u32s(hashes)?;
        let (full, lead) = run(py, "sketch", || self.inner.sketch(&values))?;
        Ok((to_bytes(py, &full)?, to_bytes(py, &lead)?))
    }
}

/// The key index (`rust/src/keyindex.rs`); `dedup/keyindex.py` is its typed face. Merges
/// (a full buffer, `flush`, `insert_many`, a removal that purges) run without the GIL;
/// the short calls keep it, as releasing it would cost more than they do. After a panic
/// the index may be half merged, so every later call raises `CoreError` too.
#[pyclass(name = "KeyIndex", module = "dedup._core")]
struct PyKeyIndex {
    inner: keyindex::KeyIndex,
    broken: bool,
}

impl PyKeyIndex {
    fn call<T: Send>(
        &mut self,
        py: Python<'_>,
        function: &str,
        bulk: bool,
        f: impl FnOnce(&mut keyindex::KeyIndex) -> T + Send,
    ) -> PyResult<T> {
        if self.broken {
            return Err(core_error(py, function, "an earlier call failed; the key index is unusable".into()));
        }
        let inner = &mut self.inner;
        let done = if bulk { py.detach(|| guarded(|| f(inner))) } else { guarded(|| f(inner)) };
        done.map_err(|message| {
            self.broken = true;
            core_error(py, function, message)
        })
    }
}

#[pymethods]
impl PyKeyIndex {
    #[new]
    #[pyo3(signature = (buffer = 1 << 17, middle = 1 << 22))]
    fn new(buffer: usize, middle: usize) -> Self {
        PyKeyIndex { inner: keyindex::KeyIndex::new(buffer, middle), broken: false }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    #[getter]
    fn entries(&self) -> usize {
        self.inner.entries()
    }

    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.nbytes()
    }

    fn insert(&mut self, py: Python<'_>, text: u32, keys: Vec<u32>) -> PyResult<()> {
        let bulk = self.inner.insert_is_bulk(text, keys.len());
        self.call(py, "KeyIndex.insert", bulk, |k| k.insert(text, &keys))
    }

    fn insert_many(&mut self, py: Python<'_>, texts: Vec<u32>, keys: Vec<Vec<u32>>) -> PyResult<()> {
        if texts.len() != keys.len() {
            return Err(PyValueError::new_err(format!(
                "insert_many needs one list of keys a text: {} texts, {} lists",
                texts.len(),
                keys.len()
            )));
        }
        self.call(py, "KeyIndex.insert_many", true, |k| k.insert_many(&texts, &keys))
    }

    fn remove(&mut self, py: Python<'_>, text: u32, keys: Vec<u32>) -> PyResult<()> {
        let bulk = self.inner.remove_is_bulk(text);
        self.call(py, "KeyIndex.remove", bulk, |k| k.remove(text, &keys))
    }

    fn query<'py>(&mut self, py: Python<'py>, keys: Vec<u32>) -> PyResult<Bound<'py, PySet>> {
        let found = self.call(py, "KeyIndex.query", false, |k| k.query_sorted(&keys))?;
        PySet::new(py, found)
    }

    fn query_sorted<'py>(&mut self, py: Python<'py>, keys: Vec<u32>) -> PyResult<Bound<'py, PyBytes>> {
        let found = self.call(py, "KeyIndex.query_sorted", false, |k| k.query_sorted(&keys))?;
        to_bytes(py, &found)
    }

    fn flush(&mut self, py: Python<'_>) -> PyResult<()> {
        self.call(py, "KeyIndex.flush", true, keyindex::KeyIndex::flush)
    }

    fn merge(&mut self, py: Python<'_>) -> PyResult<()> {
        self.call(py, "KeyIndex.merge", true, keyindex::KeyIndex::merge_main)
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    keep_panic_messages();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("PanicException", m.py().get_type::<pyo3::panic::PanicException>())?;
    m.add_function(wrap_pyfunction!(normalise, m)?)?;
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(mark_ranges, m)?)?;
    m.add_function(wrap_pyfunction!(shingle_hashes, m)?)?;
    m.add_function(wrap_pyfunction!(text_shingles, m)?)?;
    m.add_function(wrap_pyfunction!(shingle_text, m)?)?;
    m.add_function(wrap_pyfunction!(shingle_set, m)?)?;
    m.add_class::<PySketcher>()?;
    m.add_class::<PyKeyIndex>()?;
    Ok(())
}

//! dedup's compiled core, the Python extension module `dedup._core`.
//!
//! Its modules mirror the Python rooms whose kernels they carry: `text` (normalisation and
//! word tokens, `dedup/copies/normalise.py`), `shingles` (`dedup/copies/shingles.py`),
//! `sketch` (`dedup/copies/sketch.py`) and `keyindex`, the key -> ids multimap behind the
//! LSH bands and the story keys (`dedup/keyindex.py`). The Python modules keep the
//! documented API and the orchestration; each kernel exists once, here. The bindings
//! (`python`, behind the `python` feature that maturin builds with) release the GIL for
//! the work (the key index: for its merges) and turn a panic into `dedup.errors.CoreError`.

#![forbid(unsafe_code)]

pub mod guard;
pub mod keyindex;
pub mod shingles;
pub mod sketch;
mod tables;
pub mod text;

#[cfg(feature = "python")]
mod python;

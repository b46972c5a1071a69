"""The version of dedup, apart from the package face so that any module may read it.

One place holds it, ``rust/Cargo.toml``: maturin writes it into the package's metadata and
the compiled core carries it, so the installed metadata and the loaded core always agree.
"""

from dedup._core import __version__

__all__ = ["__version__"]

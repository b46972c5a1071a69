"""The version of dedup, apart from the package face so that any module may read it."""

__version__ = "0.1.0"

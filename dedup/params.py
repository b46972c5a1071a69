"""All tunable parameters of an index, in one frozen dataclass stored with the index.

Fields marked ``sketch=True`` change what is stored (shingles, signatures, band keys): an
index built with one value can't be read with another, so opening it fails with
:class:`~dedup.errors.ConfigMismatch`. The other fields only change decisions taken from
now on and may differ between runs (each run records the parameters it used).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar

from dedup.errors import ConfigMismatch

P = TypeVar("P")


def sketch_field(default: Any, doc: str) -> Any:
    """A parameter that changes what is stored: an index built with another value can't be read."""
    return field(default=default, metadata={"sketch": True, "doc": doc})


def decision_field(default: Any, doc: str) -> Any:
    """A parameter that only changes decisions taken from now on."""
    return field(default=default, metadata={"sketch": False, "doc": doc})


_sketch, _decision = sketch_field, decision_field


class ParamSet:
    """What every parameter set shares (:class:`Params`, the story tier's ``StoryParams``):
    the stored form, the check of stored fields, the sketch parameters that differ, and the
    table in the docs. Subclasses are frozen dataclasses of :func:`sketch_field` and
    :func:`decision_field` fields."""

    WHAT = "parameters"  # how messages name the set

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The set a store holds; fields this version does not know raise :class:`ConfigMismatch`."""
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigMismatch(
                f"the stored {cls.WHAT} name fields this version does not know: {unknown}; "
                "open the index with the dedup version that built it"
            )
        return cls(**cls._upgraded(data))

    @classmethod
    def _upgraded(cls, data: dict[str, Any]) -> dict[str, Any]:
        """Stored fields as this version reads them (a subclass fills in fields added since)."""
        return data

    def sketch_differences(self, other: Self) -> list[str]:
        """The sketch parameters that differ, as ``name: stored -> requested`` strings."""
        return [
            f"{f.name}: {getattr(self, f.name)!r} -> {getattr(other, f.name)!r}"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.metadata.get("sketch") and getattr(self, f.name) != getattr(other, f.name)
        ]

    @classmethod
    def describe(cls) -> list[tuple[str, Any, bool, str]]:
        """(name, default, is_sketch_parameter, description) for every parameter, for the docs."""
        return [
            (f.name, f.default, bool(f.metadata.get("sketch")), str(f.metadata.get("doc", "")))
            for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        ]


@dataclass(frozen=True)
class Params(ParamSet):
    """Parameters of an index. Defaults are the documented, measured ones (docs/parameters.md)."""

    shingle_size: int = _sketch(5, "words per shingle")
    num_perm: int = _sketch(128, "MinHash permutations (datasketch affine32 scheme)")
    seed: int = _sketch(1, "seed of the MinHash permutations (datasketch's default)")
    lead_shingles: int = _sketch(64, "shingles in the lead sketch that finds truncated copies (containment)")
    bands: int = _sketch(42, "LSH bands over the signature (full body and lead alike)")
    rows: int = _sketch(3, "signature rows per LSH band")
    jaccard_threshold: float = _decision(0.5, "near copy when shingle Jaccard is at least this")
    containment_threshold: float = _decision(
        0.8, "... or when the shorter text's shingles are at least this much in the longer"
    )
    max_text_chars: int = _decision(
        2_000_000, "longest text or html an article may have; longer ones are cut there, with a warning"
    )
    retention_days: float | None = _decision(
        30.0,
        "days a text stays matchable after its time (the later of publication and arrival); "
        "older texts leave memory, kept in the store as expired (None: keep all)",
    )

    def __post_init__(self) -> None:
        problems = []
        if self.max_text_chars < 1_000:
            problems.append(f"max_text_chars must be >= 1000, got {self.max_text_chars!r}")
        if self.shingle_size < 1:
            problems.append(f"shingle_size must be >= 1, got {self.shingle_size!r}")
        if self.num_perm < 1:
            problems.append(f"num_perm must be >= 1, got {self.num_perm!r}")
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            problems.append(
                f"bands * rows must be between 1 and num_perm ({self.num_perm}), "
                f"got {self.bands} * {self.rows}"
            )
        if self.retention_days is not None and not self.retention_days > 0:
            problems.append(f"retention_days must be > 0 or None, got {self.retention_days!r}")
        if self.lead_shingles < 1:
            problems.append(f"lead_shingles must be >= 1, got {self.lead_shingles!r}")
        for name in ("jaccard_threshold", "containment_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                problems.append(f"{name} must be in (0, 1], got {value!r}")
        if problems:
            raise ValueError("invalid parameters: " + "; ".join(problems))


class _Sketched(Protocol):
    def sketch_differences(self, other: Any, /) -> list[str]: ...


S = TypeVar("S", bound=_Sketched)


def settle(stored: S | None, requested: S | None, default: Callable[[], S], where: str, what: str) -> S:
    """The parameters an index is opened with: the stored ones unless others are asked for,
    and those only if their sketch parameters are the stored ones (else
    :class:`ConfigMismatch` naming each difference); ``default()`` for a new index."""
    if stored is None:
        return requested if requested is not None else default()
    if requested is None:
        return stored
    diffs = stored.sketch_differences(requested)
    if diffs:
        raise ConfigMismatch(
            f"{where} was built with other {what} ({'; '.join(diffs)}); "
            "open it with the stored parameters, or index into a new database"
        )
    return requested


def tuned(params: P, tune: Mapping[str, Any], others: tuple[type, ...] = ()) -> P:
    """``params`` with the *decision* parameters named in ``tune`` that are its own changed.

    A name of no field of ``params`` (nor of the dataclasses in ``others``, which take the
    rest: ``Params`` and the story tier's ``StoryParams`` share one ``tune``) raises
    ``ValueError``; a sketch parameter, or a value out of range, :class:`ConfigMismatch`.
    """
    own = {f.name: f for f in dataclasses.fields(params)}  # type: ignore[arg-type]
    known = set(own).union(*({f.name for f in dataclasses.fields(o)} for o in others))
    changes = {}
    for name, value in tune.items():
        if name not in known:
            raise ValueError(f"no decision parameter named {name!r}")
        field_ = own.get(name)
        if field_ is None:
            continue
        if field_.metadata.get("sketch"):
            raise ConfigMismatch(
                f"{name} decides what is stored; it is set when an index is "
                "created (Index.open(params=...)), not tuned"
            )
        changes[name] = value
    try:
        return dataclasses.replace(params, **changes)  # type: ignore[type-var]
    except ValueError as e:
        raise ConfigMismatch(str(e)) from e


def describe() -> list[tuple[str, Any, bool, str]]:
    """(name, default, is_sketch_parameter, description) for every parameter, for the docs."""
    return Params.describe()

"""The one record extraction gives: a body and its metadata, whichever extractor found them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["trafilatura", "flat", "html-text+flat", "as-given"]
"""Which extractor produced a body (see :class:`Extracted`)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction makes of one article. ``published`` is ISO 8601 or ``None``.

    ``body`` holds the article text, one paragraph a line, without dateline, byline and
    credit lines. ``attribution`` names the agencies the article credits ("AFP", "AP",
    "Reuters", "AA", "APP"..., "agencies" for a generic credit). ``method`` says which
    extractor produced the body: "trafilatura", "flat", "html-text+flat" (HTML that
    trafilatura could not read, flattened and read as text) or "as-given".
    """

    body: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    attribution: tuple[str, ...] = ()
    dateline: str | None = None
    byline: str | None = None
    method: Method = "as-given"

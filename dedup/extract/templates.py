"""Per-site template memory: lines that repeat across pages of one site are its furniture.

A site's menus, "Recent Stories" headings and footers come back on every page; its
articles do not. The store counts, per site, on how many pages each line was seen, and the
flat extractor treats a line seen on earlier pages of the same site as template. Sites are
never mixed: a wire story carried by ten outlets repeats across sites, and that is the text
the index must keep.

The site is the URL host when the article has a URL. Without one, a page is matched to the
anonymous site whose template lines it shares most (at least ``min_shared`` lines, and a
tenth of its furniture-like lines); otherwise it starts a new anonymous site.

Memory is bounded: at most ``max_sites`` sites (the least recently seen is dropped) and
``max_lines`` counted lines a site (lines seen on one page only are dropped first); each
entry is an 8-byte hash and a count, plus, for pages without a URL, at most
``64 * max_sites`` furniture lines pointing to their anonymous site. The first page of a
site gets no help from the store (only the line model), the next ones do; a line counts as
template once it was seen on ``min_pages`` earlier pages (short lines) or
``min_pages_long`` earlier pages *and* on a good share of the site's pages (sentence-like
lines: a paragraph a site repeats in three updates of one story is still that story's
text). On an anonymous site a line that reads as text is never template: its pages were
grouped by the lines they share, and copies of one wire story from different outlets share lines
too (the story's own sentences), which must stay in every copy's body.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import repeat

import xxhash

_DIGITS = re.compile(r"\d+")
_SHORT = 60  # numbers are ignored in lines shorter than this
_NEVER = 1 << 62  # more pages than any site will have
ANONYMOUS = "~"
"""How the keys of sites without a URL host begin (a host never starts with it)."""


def line_key(line: str) -> int:
    """A stable 64-bit key of a line: case ignored, and numbers too in short lines ("5 hours ago")."""
    text = line.lower()
    if len(text) < _SHORT:
        text = _DIGITS.sub("0", text)
    return int(xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass")))


def line_keys(lines: Sequence[str]) -> list[int]:
    """:func:`line_key` of every line of a page, with one C-level pass per step."""
    texts = list(map(str.lower, lines))
    for k, size in enumerate(map(len, texts)):
        if size < _SHORT and _DIGITS.search(texts[k]):
            texts[k] = _DIGITS.sub("0", texts[k])
    encoded = map(str.encode, texts, repeat("utf-8"), repeat("surrogatepass"))
    return list(map(xxhash.xxh3_64_intdigest, encoded))


class _Site:
    __slots__ = ("counts", "pages")

    def __init__(self) -> None:
        self.pages = 0
        self.counts: dict[int, int] = {}


class TemplateStore:
    """Bounded per-site counts of lines seen on earlier pages. Picklable (plain containers)."""

    def __init__(
        self,
        max_sites: int = 512,
        max_lines: int = 2048,
        min_pages: int = 1,
        min_pages_long: int = 4,
        long_share: float = 0.3,
        min_shared: int = 3,
    ) -> None:
        if max_sites < 1 or max_lines < 16:
            raise ValueError(f"max_sites must be >= 1 and max_lines >= 16, got {max_sites}, {max_lines}")
        self.max_sites = max_sites
        self.max_lines = max_lines
        self.min_pages = min_pages
        self.min_pages_long = min_pages_long
        self.long_share = long_share
        self.min_shared = min_shared
        self._sites: OrderedDict[str, _Site] = OrderedDict()
        self._anonymous = 0
        self._owners: dict[int, str] = {}  # furniture line of an anonymous site -> that site

    def __len__(self) -> int:
        return len(self._sites)

    def entries(self) -> int:
        """How many (site, line) counts and line owners are held: what the memory bound limits."""
        return sum(len(s.counts) for s in self._sites.values()) + len(self._owners)

    def site_for(self, host: str | None, furniture: Iterable[int]) -> str:
        """The site key of a page: its host, else the anonymous site sharing its template lines."""
        if host:
            return host
        keys = set(furniture)
        votes: dict[str, int] = {}
        for key in keys:
            owner = self._owners.get(key)
            if owner is not None and owner in self._sites:
                votes[owner] = votes.get(owner, 0) + 1
        best = max(votes, key=votes.__getitem__, default=None)
        if best is not None and votes[best] >= self.min_shared and votes[best] * 10 >= len(keys):
            site = best
        else:
            self._anonymous += 1
            site = f"{ANONYMOUS}{self._anonymous}"
        for key in keys:
            self._owners[key] = site
        if len(self._owners) > self.max_sites * 64:
            for key in list(self._owners)[: len(self._owners) // 2]:  # oldest half
                del self._owners[key]
        return site

    def template_flags(self, site: str, keys: list[int], long: list[bool]) -> list[bool]:
        """For each line key: was it seen on enough earlier pages of ``site`` to be template?"""
        found = self.seen(site, keys)
        if found is None:
            return [False] * len(keys)
        counts, need_short, need_long = found
        return [
            seen >= (need_long if is_long else need_short) for seen, is_long in zip(counts, long, strict=True)
        ]

    def seen(self, site: str, keys: list[int]) -> tuple[list[int], int, int] | None:
        """On how many earlier pages of ``site`` each line was seen, and the counts that make
        a line template: (counts, for short lines, for sentence-like lines). None before
        the site's first page, when no line can be template.

        The caller decides which lines are sentence-like, and only needs to for counts
        between the two thresholds: the others are decided whatever the line is.
        """
        entry = self._sites.get(site)
        if entry is None or entry.pages == 0:
            return None
        if site.startswith(ANONYMOUS):
            # Pages without a URL were grouped by shared lines, and copies of one wire story
            # share lines too: only furniture-like lines can be template there.
            return list(map(entry.counts.get, keys, repeat(0))), self.min_pages, _NEVER
        need_long = max(self.min_pages_long, int(self.long_share * entry.pages + 0.999))
        return list(map(entry.counts.get, keys, repeat(0))), self.min_pages, need_long

    def learn(self, site: str, keys: Iterable[int]) -> None:
        """Count one more page of ``site`` holding these lines (each line once a page)."""
        entry = self._sites.get(site)
        if entry is None:
            entry = self._sites[site] = _Site()
            while len(self._sites) > self.max_sites:
                self._sites.popitem(last=False)
        else:
            self._sites.move_to_end(site)
        entry.pages += 1
        counts = entry.counts
        unique = set(keys)
        seen = [key for key in unique if key in counts]
        for key in seen:
            counts[key] += 1
        counts.update(dict.fromkeys(unique.difference(seen), 1))  # most lines of a page are new
        if len(counts) > self.max_lines:
            self._prune(entry)

    def _prune(self, entry: _Site) -> None:
        # Lines seen on one page only are the bulk (article text); drop them first, then
        # raise the bar until the site fits in half its budget, leaving room to learn.
        floor = 1
        counts = entry.counts
        while len(counts) > self.max_lines // 2:
            entry.counts = counts = {k: c for k, c in counts.items() if c > floor}
            floor += 1

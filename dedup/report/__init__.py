"""Reading an index back for people: `dedup report`'s HTML page (build.py, the template),
`dedup explain` (explain.py) and `dedup export` (export.py).

The report: the stories of an index as one self-contained HTML page.

Read from the store only; no network, no CDN: the page carries its CSS and a few lines of
plain JavaScript (a filter box), and a story's timeline is inline SVG. Every piece of
article text, title, outlet and URL goes through Jinja2's autoescaping, and a URL becomes a
link only when it is http(s). See docs/cli.md (`dedup report`).
"""

from __future__ import annotations

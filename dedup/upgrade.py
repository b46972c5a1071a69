"""Bring the texts of a store made by an older dedup up to this one's tokens.

A store records the version of the tokens its texts were made with (``config.tokens``).
Opened for writing by a dedup whose tokens are newer, the texts whose body is not plain
ASCII (ASCII tokenises the same in every version) are read again: normalised, shingled,
sketched, their story features computed, and those whose values changed are rewritten,
in one transaction, with their articles' body hashes. Clusters, stories, canonical
members and matches stay as they were decided; the articles that come next are matched
against the new values, as if the old texts had been indexed by this version.
"""

from __future__ import annotations

import logging

from dedup.article import parse_published
from dedup.copies.shingles import shingle_text
from dedup.copies.sketch import Sketcher
from dedup.params import Params
from dedup.store import Store
from dedup.store.tokens import TOKENS_VERSION
from dedup.stories import StoryParams, story_features
from dedup.stories.features import encode_features

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def upgrade_tokens(store: Store, params: Params, story_params: StoryParams) -> int:
    """Rewrite the texts whose values this version's tokens change; returns how many."""
    old = store.tokens_version()
    if old >= TOKENS_VERSION:
        return 0
    sketcher = Sketcher(params.num_perm, params.seed, params.lead_shingles)
    changed = read = 0
    with store.transaction():
        for text, body, stored_hash, stored_set, stored_story, title, published in store.non_ascii_texts():
            read += 1
            body_hash, words, ordered, shingles = shingle_text(body, params.shingle_size)
            if not words:
                continue  # nothing to match on: the old values stay
            story = encode_features(story_features(title, body, parse_published(published), story_params))
            if body_hash == stored_hash and shingles.tobytes() == stored_set and story == stored_story:
                continue
            signature, lead = sketcher.sketch(ordered)
            values = (
                body_hash,
                words,
                int(shingles.size),
                signature.tobytes(),
                lead.tobytes(),
                shingles.tobytes(),
                story,
            )
            store.retokenise(text, values)
            changed += 1
        store.set_tokens_version()
    log.info("tokens version %d -> %d: %d texts read again, %d rewritten", old, TOKENS_VERSION, read, changed)
    return changed

"""The story tier: which articles are independent rewrites of the same news event.

Near-copy detection (MinHash over word shingles) finds syndicated text; rewrites of one
event share almost no shingles, so this tier compares what the event is instead: salient
terms weighted by a fixed rarity model, numbers, named dates, quotes, and the publication
day. :func:`story_features` builds an article's signature, :class:`StoryIndex` finds the
indexed articles worth verifying (never all pairs), :func:`compare` and :func:`same_story`
judge whether a pair is linked, and :class:`StoryClusters` turns links into stories (their
components, split by time and cut where the links thin out) whatever the arrival order.
See docs/stories.md.
"""

from dedup.stories.cluster import StoryClusters
from dedup.stories.compare import StoryEvidence, compare, link, same_story
from dedup.stories.features import StoryFeatures, story_features
from dedup.stories.index import StoryIndex, index_keys
from dedup.stories.params import StoryParams, StoryParamsError

__all__ = [
    "StoryClusters",
    "StoryEvidence",
    "StoryFeatures",
    "StoryIndex",
    "StoryParams",
    "StoryParamsError",
    "compare",
    "index_keys",
    "link",
    "same_story",
    "story_features",
]

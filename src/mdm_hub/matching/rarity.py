"""How much one shared blocking key says about a candidate: the rarer the key, the more.

Candidate retrieval reads at most `per_key_limit` records per key. How many a key returned is
its document frequency, capped: a key only one other record holds (a postcode with a birth
date) points at a likely match, one that fills the limit (a city with a house number) at
look-alikes. Candidates are ranked by the sum of their shared keys' weights, so one sharing a
rare key outranks one sharing only common ones, and top-K keeps the ones worth scoring.
"""

from __future__ import annotations

import math
from functools import cache

# Weights are integers (thousandths) so every store sums them exactly and ranks ties alike.
WEIGHT_SCALE = 1000


@cache
def key_weights(per_key_limit: int) -> tuple[int, ...]:
    """The weight of a key by how many records it returned, indexed by that count (1 to
    `per_key_limit`; index 0 is unused). IDF-like, log2(1 + limit / hits): a saturated key
    weighs 1, a key with one hit log2(1 + limit) (about 5.7 at a limit of 50)."""
    if per_key_limit < 1:
        raise ValueError("per_key_limit must be at least 1")
    weights = (
        round(WEIGHT_SCALE * math.log2(1 + per_key_limit / hits))
        for hits in range(1, per_key_limit + 1)
    )
    return (0, *weights)

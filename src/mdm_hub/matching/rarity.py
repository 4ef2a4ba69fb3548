"""How much one shared blocking key says about a candidate: the rarer the key, the more.

Candidate retrieval reads at most `per_key_limit` records per key. How many a key returned is
its document frequency, capped: a key only one other record holds (a postcode with a birth
date) points at a likely match, one that fills the limit (a city with a house number) at
look-alikes. Candidates are ranked by the sum of their shared keys' weights, so one sharing a
rare key outranks one sharing only common ones, and top-K keeps the ones worth scoring.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from operator import itemgetter
from typing import NamedTuple

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


class RankedHit(NamedTuple):
    """A stored record some of the incoming record's keys found, with its rank evidence."""

    record: int  # the store's handle for the record
    shared_keys: int
    key_weight: int


def rank_hits(hits: Iterable[tuple[int, int]], per_key_limit: int, top_k: int) -> list[RankedHit]:
    """The `top_k` records among `hits` ((key position, record) pairs, at most
    `per_key_limit` a key), by the summed weight of their keys, then how many keys they
    share, then the record handle (oldest first), so every store breaks ties alike."""
    hits = list(hits)
    per_key = Counter(map(itemgetter(0), hits))
    shared = Counter(map(itemgetter(1), hits))
    weights = key_weights(per_key_limit)
    weight = dict.fromkeys(shared, 0)
    for position, record in hits:
        weight[record] += weights[per_key[position]]
    best = heapq.nsmallest(top_k, [(-w, -shared[r], r) for r, w in weight.items()])
    return [RankedHit(r, -s, -w) for w, s, r in best]

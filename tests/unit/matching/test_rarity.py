"""Rarity weights of blocking keys: what candidate retrieval ranks by."""

from __future__ import annotations

import pytest

from mdm_hub.matching.rarity import WEIGHT_SCALE, key_weights, rank_hits


def test_a_rarer_key_weighs_more_and_a_saturated_one_weighs_one() -> None:
    weights = key_weights(50)
    assert len(weights) == 51
    assert weights[0] == 0  # no hits: the key is shared with nobody
    assert list(weights[1:]) == sorted(weights[1:], reverse=True)
    assert weights[50] == WEIGHT_SCALE
    assert weights[1] == 5672  # log2(51)


def test_one_rare_key_outweighs_several_saturated_ones() -> None:
    weights = key_weights(50)
    assert weights[1] > 5 * weights[50]
    assert weights[5] > 3 * weights[50]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        key_weights(0)


def test_hits_rank_by_summed_key_weight_then_oldest_record() -> None:
    limit = 20
    weights = key_weights(limit)
    hits = [
        (0, 7),  # key 0 is rare: only record 7 holds it
        (1, 8),  # key 1: records 8, 6 and 5 hold it
        (1, 6),
        (1, 5),
        (2, 8),  # key 2: records 8 and 5
        (2, 5),
        (3, 9),  # key 3: records 9 and 6
        (3, 6),
    ]
    ranked = rank_hits(hits, limit, top_k=4)
    # 5 and 8 share the same two keys: equal weight, the older record (lower handle) first;
    # 6's two keys weigh the same; one rare key outweighs a single common one.
    assert [(hit.record, hit.shared_keys) for hit in ranked] == [(5, 2), (6, 2), (8, 2), (7, 1)]
    assert ranked[0].key_weight == weights[3] + weights[2]
    assert ranked[3].key_weight == weights[1] > weights[2]


def test_ranking_keeps_only_the_top_k_and_nothing_from_no_hits() -> None:
    hits = [(position, record) for position in range(4) for record in range(10)]
    assert [hit.record for hit in rank_hits(hits, 10, top_k=2)] == [0, 1]
    assert rank_hits([], 10, top_k=5) == []

"""Rarity weights of blocking keys: what candidate retrieval ranks by."""

from __future__ import annotations

import pytest

from mdm_hub.matching.rarity import WEIGHT_SCALE, key_weights


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

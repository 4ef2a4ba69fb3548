"""The process-wide collector tuning the server and bulk commands apply once loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mdm_hub.runtime import YOUNG_COLLECTION_THRESHOLD, tune_garbage_collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_collector")
def test_what_start_up_loaded_is_frozen_and_young_collections_are_rarer() -> None:
    loaded = [{"rule": index} for index in range(1000)]  # stands for rule sets and tables
    _, middle, old = gc.get_threshold()

    tune_garbage_collector()

    assert gc.get_freeze_count() >= len(loaded)
    assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, middle, old)
    # Objects made later are still collected: a cycle made now is found and freed.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1

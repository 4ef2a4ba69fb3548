"""Run a labelled data set through the real ingest service, one record at a time, on the
embedded store, and score the resulting golden records pair by pair."""

from __future__ import annotations

import itertools
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.domain.systems import SourceSystem, SystemKind, SystemRegistry
from mdm_hub.errors import RecordRejected
from mdm_hub.evaluation.datasets import Dataset, LabelledRecord, Pair
from mdm_hub.matching.pairwise import PairwiseScores
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.wiring import shipped_rules

RESOLVE_BATCH = 1000
# The data sets' own systems, beside the shipped ones (febrl4 and companies use those).
DATASET_SYSTEMS = (SourceSystem(code="FEBRL", name="FEBRL data sets", kind=SystemKind.OTHER),)


def evaluation_systems() -> SystemRegistry:
    return shipped_systems().with_systems(DATASET_SYSTEMS)


@dataclass(frozen=True)
class Evaluation(PairwiseScores):
    dataset: str
    records: int
    seconds: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    review_queue: int
    rejected: int

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


async def evaluate(
    dataset: Dataset,
    matcher: RecordMatcher,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 1,
) -> Evaluation:
    """Ingest every record in arrival order (shuffled when `seed` is given) and compare the
    golden records with the truth. Only automatic links count as predicted matches. With
    `batch` > 1 records are sent `batch` to a call, as an integration posting a batch does:
    each is still matched on its own, against every record before it."""
    records = list(dataset.records)
    if seed is not None:
        random.Random(seed).shuffle(records)
    with tempfile.TemporaryDirectory(prefix="mdm-evaluate-") as folder:
        store = EmbeddedStore(str(Path(folder) / "evaluate.db"))
        await store.open()
        try:
            ingest = IngestService(
                store, matcher, rules=shipped_rules(), systems=evaluation_systems()
            )
            started = time.perf_counter()
            review, rejected = await _ingest(ingest, records, dataset.entity_type, progress, batch)
            seconds = time.perf_counter() - started
            predicted = await _predicted_pairs(store, records, EntityType(dataset.entity_type))
        finally:
            await store.close()
    return Evaluation(
        dataset=dataset.name,
        records=len(records),
        seconds=seconds,
        true_pairs=len(dataset.true_pairs),
        predicted_pairs=len(predicted),
        correct_pairs=len(predicted & dataset.true_pairs),
        review_queue=review,
        rejected=rejected,
    )


async def _ingest(
    ingest: IngestService,
    records: list[LabelledRecord],
    entity_type: str,
    progress: Callable[[int], None] | None,
    batch: int,
) -> tuple[int, int]:
    review = rejected = 0
    for start in range(0, len(records), batch):
        raws = [
            RawRecord(
                record.system,
                record.entity_type or entity_type,
                record.source_id,
                record.attributes,
            )
            for record in records[start : start + batch]
        ]
        for raw, result in zip(raws, await ingest.upsert_many(raws), strict=True):
            if raw.entity_type != entity_type:
                continue  # context, not scored
            if isinstance(result, RecordRejected):
                rejected += 1
            else:
                review += result.match_candidate_id is not None
        if progress and start // 500 != (start + len(raws)) // 500:
            progress(start + len(raws))
    return review, rejected


async def _predicted_pairs(
    store: EmbeddedStore, records: list[LabelledRecord], entity_type: EntityType
) -> set[Pair]:
    clusters: dict[str, list[tuple[str, str]]] = defaultdict(list)
    records = [r for r in records if r.entity_type in (None, entity_type.value)]
    for start in range(0, len(records), RESOLVE_BATCH):
        batch = records[start : start + RESOLVE_BATCH]
        keys = [SourceKey(r.system, entity_type, r.source_id) for r in batch]
        for record, answer in zip(batch, await store.resolve_many(keys), strict=True):
            if answer is not None:
                clusters[answer.golden_id].append((record.system, record.source_id))
    return {
        frozenset(pair)
        for members in clusters.values()
        for pair in itertools.combinations(sorted(members), 2)
    }

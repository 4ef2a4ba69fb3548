"""What the hub made of a loaded landscape, per entity type: how many of the labelled records
it holds, how many golden records they form, how many were linked to another record, what waits
for a steward, what it refused, and pairwise precision and recall against the labels."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import CandidateStatus, SourceKey
from mdm_hub.evaluation.datasets import Pair
from mdm_hub.evaluation.landscape.dataset import true_pairs
from mdm_hub.evaluation.landscape.exports import Label
from mdm_hub.matching.pairwise import PairwiseScores
from mdm_hub.ports import Store

RESOLVE_BATCH = 1000
PAGE = 500
MOST_REJECTS = 100_000


@dataclass(frozen=True)
class EntityOutcome(PairwiseScores):
    entity_type: EntityType
    labelled: int  # live (not retired) labelled records of this type
    records: int  # of those, how many the store holds
    golden: int  # golden records they belong to
    linked: int  # records that share their golden record with another
    review: int  # open match candidates of this type
    refused: int  # rejected records of this type (the store's reject list)
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


async def landscape_outcome(store: Store, labels: list[Label]) -> list[EntityOutcome]:
    refused = await _refused(store)
    outcomes = []
    for entity_type in EntityType:
        live = [label for label in labels if label.entity_type is entity_type and not label.deleted]
        clusters = await _clusters(store, live)
        predicted: set[Pair] = {
            frozenset(pair)
            for members in clusters.values()
            for pair in itertools.combinations(sorted(members), 2)
        }
        truth = true_pairs(live)
        outcomes.append(
            EntityOutcome(
                entity_type=entity_type,
                labelled=len(live),
                records=sum(len(members) for members in clusters.values()),
                golden=len(clusters),
                linked=sum(len(members) for members in clusters.values() if len(members) > 1),
                review=await _open_candidates(store, entity_type),
                refused=refused.get(entity_type.value, 0),
                true_pairs=len(truth),
                predicted_pairs=len(predicted),
                correct_pairs=len(predicted & truth),
            )
        )
    return outcomes


async def _clusters(store: Store, labels: list[Label]) -> dict[str, list[tuple[str, str]]]:
    clusters: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for start in range(0, len(labels), RESOLVE_BATCH):
        batch = labels[start : start + RESOLVE_BATCH]
        keys = [SourceKey(label.system, label.entity_type, label.source_id) for label in batch]
        for label, answer in zip(batch, await store.resolve_many(keys), strict=True):
            if answer is not None:
                clusters[answer.golden_id].append((label.system, label.source_id))
    return clusters


async def _open_candidates(store: Store, entity_type: EntityType) -> int:
    count, after = 0, None
    while True:
        page = await store.list_match_candidates(CandidateStatus.OPEN, entity_type, PAGE, after)
        count += len(page)
        if len(page) < PAGE:
            return count
        after = page[-1].id


async def _refused(store: Store) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for reject in await store.list_rejects(MOST_REJECTS):
        counts[str(reject.payload.get("entityType", ""))] += 1
    return counts

"""The landscape as labelled data sets for `mdm-hub evaluate`, one per entity type: every record
a mapping loads and does not retire, in canonical form, and every pair of records that describe
the same real-world thing."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.datasets import Dataset, LabelledRecord, Pair
from mdm_hub.evaluation.landscape.exports import Label, SourceRecord
from mdm_hub.evaluation.landscape.generate import DEFAULT_SEED, Scale, generate_landscape


def dataset_name(entity_type: EntityType) -> str:
    return f"landscape-{entity_type.value.lower()}"


def true_pairs(labels: Iterable[Label | SourceRecord]) -> set[Pair]:
    """Pairs of (system, source ID) labelled with the same real-world thing."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label in labels:
        groups[label.entity_key].append((label.system, label.source_id))
    return {
        frozenset(pair)
        for members in groups.values()
        for pair in itertools.combinations(sorted(members), 2)
    }


def landscape_dataset(
    entity_type: EntityType, seed: int = DEFAULT_SEED, scale: Scale = Scale.MEDIUM
) -> Dataset:
    landscape = generate_landscape(seed, scale)
    loaded = [r for r in landscape.records if not r.deleted]
    live = [r for r in loaded if r.entity_type is entity_type]
    systems = sorted({r.system for r in live})
    things = len({r.entity_key for r in live})
    return Dataset(
        dataset_name(entity_type),
        entity_type.value,
        # Every type is loaded, as a firm loads its landscape: a project's customer must be
        # known for the project to be matched by it. Only `entity_type` is scored.
        [
            LabelledRecord(
                r.system,
                r.source_id,
                r.attributes,
                None if r.entity_type is entity_type else r.entity_type.value,
            )
            for r in loaded
        ],
        true_pairs(live),
        f"{dataset_name(entity_type)}: {len(live)} {entity_type.value.lower()} records of "
        f"{things} real ones in {', '.join(systems)} (generated firm, seed {seed}, {scale})",
    )

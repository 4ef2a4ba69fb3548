"""How well a rule set links labelled records: pairwise precision, recall and F1 of the golden
records it would build from every candidate pair (the matcher's own decision per pair, then
connected components, as ingest builds golden records)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mdm_hub.domain.records import SourceKey
from mdm_hub.matching.decide import CandidateMember, score_goldens
from mdm_hub.matching.fitting import candidate_pairs
from mdm_hub.matching.pairwise import PairwiseScores
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.references import with_goldens_all
from mdm_hub.matching.rules import MatchRules

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Quality(PairwiseScores):
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def linked_pairs(
    rules: MatchRules,
    keys: Sequence[SourceKey],
    attributes: Sequence[Mapping[str, object]],
    goldens: Mapping[SourceKey, str | None] | None = None,
) -> set[frozenset[int]]:
    """Pairs of records (by index) that end in one golden record: every candidate pair the
    matcher would auto-link (strong identifiers and thresholds as in the file), joined into
    connected components. `goldens` resolves references as the matcher does."""
    prepared = with_goldens_all(rules, [prepare(rules, record) for record in attributes], goldens)
    partners: defaultdict[int, list[int]] = defaultdict(list)
    for a, b in candidate_pairs(prepared, rules.rules.candidates.per_key_limit, goldens):
        partners[a].append(b)
    parent = list(range(len(prepared)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, others in partners.items():
        # Each partner stands as its own golden record: the decision is the pair's alone.
        members = [CandidateMember(keys[o], str(o), _EPOCH, prepared[o]) for o in others]
        for scored in score_goldens(rules, prepared[first], members):
            if scored.auto:
                parent[root(int(scored.golden_id))] = root(first)
    clusters: defaultdict[int, list[int]] = defaultdict(list)
    for index in range(len(prepared)):
        clusters[root(index)].append(index)
    return {
        frozenset(pair)
        for members in clusters.values()
        for pair in itertools.combinations(members, 2)
    }


def quality(
    rules: MatchRules,
    keys: Sequence[SourceKey],
    attributes: Sequence[Mapping[str, object]],
    truth: Mapping[SourceKey, str],
    goldens: Mapping[SourceKey, str | None] | None = None,
) -> Quality:
    """Precision, recall and F1 over the labelled records (`truth`: record -> the real-world
    thing it is); pairs with an unlabelled record are not judged."""
    labelled = [i for i, key in enumerate(keys) if key in truth]
    by_thing: defaultdict[str, list[int]] = defaultdict(list)
    for index in labelled:
        by_thing[truth[keys[index]]].append(index)
    true = {
        frozenset(pair)
        for members in by_thing.values()
        for pair in itertools.combinations(members, 2)
    }
    judged = set(labelled)
    predicted = {p for p in linked_pairs(rules, keys, attributes, goldens) if p <= judged}
    return Quality(len(true), len(predicted), len(predicted & true))

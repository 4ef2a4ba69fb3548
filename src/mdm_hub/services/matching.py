"""Matching inside the ingest transaction: retrieve candidates, score them, decide."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import IncomingRecord, StoredCandidate, StoredSource
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.matching.decide import (
    CandidateMember,
    GoldenScore,
    MatchDecision,
    decide,
    score_goldens,
)
from mdm_hub.matching.prepare import PreparedRecord, prepare
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import StoreTransaction

PREPARED_CACHE_SIZE = 100_000


class RecordMatcher:
    """The compiled match rules of every entity type, applied to records in a transaction."""

    def __init__(self, rules: Mapping[EntityType, MatchRules]) -> None:
        self._rules = dict(rules)
        # The same stored records are candidates for many arrivals: standardise each version
        # once. Keyed by content hash, so a changed record is never served stale.
        # Keyed by system too: a system-scoped identifier's scope depends on who sent it.
        self._prepared: OrderedDict[tuple[EntityType, str, str], PreparedRecord] = OrderedDict()

    def _prepared_candidate(self, rules: MatchRules, candidate: StoredCandidate) -> PreparedRecord:
        system = candidate.key.system
        prepared = self._prepared.get((rules.entity_type, system, candidate.content_hash))
        if prepared is None:
            prepared = prepare(rules, candidate.attributes, with_keys=False, system=system)
            self._remember(rules.entity_type, system, candidate.content_hash, prepared)
        return prepared

    def _remember(
        self, entity_type: EntityType, system: str, content_hash: str, prepared: PreparedRecord
    ) -> None:
        self._prepared[(entity_type, system, content_hash)] = prepared
        if len(self._prepared) > PREPARED_CACHE_SIZE:
            self._prepared.popitem(last=False)

    @classmethod
    def from_directory(
        cls, directory: Path | Traversable, systems: SystemRegistry | None = None
    ) -> RecordMatcher:
        """The rule files in `directory`; `shared_by` names `systems` (default: shipped)."""
        return cls(load_match_rules(directory, systems or shipped_systems()))

    def rules_for(self, entity_type: EntityType) -> MatchRules:
        return self._rules[entity_type]

    def prepare(self, record: IncomingRecord) -> PreparedRecord:
        entity_type = record.key.entity_type
        system = record.key.system
        prepared = prepare(self._rules[entity_type], record.attributes, system=system)
        # Today's arrival is tomorrow's candidate: keep its comparison values (not its keys).
        kept = PreparedRecord(prepared.values, prepared.strong, (), prepared.unverified)
        self._remember(entity_type, system, record.content_hash, kept)
        return prepared

    async def match(
        self, tx: StoreTransaction, record: IncomingRecord, prepared: PreparedRecord
    ) -> MatchDecision:
        rules = self._rules[record.key.entity_type]
        limits = rules.rules.candidates
        # Retrieval locks the record's keys first: concurrent records that could match each
        # other serialise, so two systems posting the same thing cannot both start a golden.
        found = await tx.candidates(
            record.key.entity_type, prepared.keys, limits.per_key_limit, limits.top_k
        )
        members = [
            CandidateMember(
                c.key, c.golden_id, c.golden_created_at, self._prepared_candidate(rules, c)
            )
            for c in found
        ]
        golden_ids = sorted({m.golden_id for m in members})
        blocked: set[str] = set()
        separated: set[frozenset[str]] = set()
        # Steward decisions can only change the outcome when there is something to merge
        # (a brand-new record has no not-a-match of its own yet): spare the round trip.
        if len(golden_ids) > 1:
            blocked, separated = await tx.separations(record.key, golden_ids)
        return decide(rules, prepared, members, blocked, separated)

    def explain(
        self,
        entity_type: EntityType,
        attributes: Mapping[str, object],
        members: Sequence[StoredSource],
        system: str | None = None,
    ) -> GoldenScore | None:
        """How a record (sent by `system`) compares with a golden record's members (the
        best-matching one)."""
        rules = self._rules[entity_type]
        incoming = prepare(rules, attributes, with_keys=False, system=system)
        candidates = [
            CandidateMember(
                m.key,
                "golden",
                m.recorded_at,
                prepare(rules, m.attributes, with_keys=False, system=m.key.system),
            )
            for m in members
        ]
        scored = score_goldens(rules, incoming, candidates)
        return scored[0] if scored else None

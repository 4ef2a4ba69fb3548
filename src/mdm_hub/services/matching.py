"""Matching inside the ingest transaction: retrieve candidates, score them, decide."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import IncomingRecord, SourceKey, StoredCandidate, StoredSource
from mdm_hub.domain.relationships import HIERARCHY_OF, asserted_references, is_hierarchy
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.matching import stored_values
from mdm_hub.matching.decide import (
    CandidateMember,
    GoldenScore,
    MatchDecision,
    MatchOutcome,
    decide,
    score_goldens,
    strong_values,
)
from mdm_hub.matching.displacement import Member, displaced_by
from mdm_hub.matching.prepare import (
    PreparedRecord,
    prepare,
    related_without,
    without_related,
)
from mdm_hub.matching.references import (
    named_keys,
    reference_slots,
    referrer_slots,
    with_goldens,
    with_referrers,
)
from mdm_hub.matching.rules import MatchRules, load_match_rules
from mdm_hub.matching.term_frequency import adjustments, count_changes, term_keys, term_labels
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import StoreTransaction

# Which golden record each of these source records belongs to now (None: not seen yet).
GoldenResolver = Callable[[Sequence[SourceKey]], Awaitable[list[str | None]]]
# How many records hold each of these term keys.
TermCounter = Callable[[Sequence[str]], Awaitable[list[int]]]
# The golden records of what refers to each of these records (by one type's attribute).
ReferrerReader = Callable[[Sequence[SourceKey], EntityType, str], Awaitable[list[list[str]]]]

PREPARED_CACHE_SIZE = 100_000
# How many times a decision is taken again without goldens it would put on a hierarchy loop
# (each time at least one fewer); a loop still closed after that refuses the record.
LOOP_RETRIES = 5


class RecordMatcher:
    """The compiled match rules of every entity type, applied to records in a transaction."""

    def __init__(self, rules: Mapping[EntityType, MatchRules]) -> None:
        self._rules = dict(rules)
        # The same stored records are candidates for many arrivals: standardise each version
        # once. Keyed by content hash, so a changed record is never served stale.
        # Keyed by system too: a system-scoped identifier's scope depends on who sent it.
        self._prepared: OrderedDict[tuple[EntityType, str, str], PreparedRecord] = OrderedDict()
        self._referred_by: dict[EntityType, tuple[tuple[EntityType, str], ...]] = {}

    def _prepared_candidate(self, rules: MatchRules, candidate: StoredCandidate) -> PreparedRecord:
        system = candidate.key.system
        prepared = self._prepared.get((rules.entity_type, system, candidate.content_hash))
        if prepared is None:
            # What the store kept of its standardising, when made as `prepare` makes it now.
            prepared = stored_values.decode(rules, candidate.match_values) or prepare(
                rules, candidate.attributes, with_keys=False, system=system
            )
            self._remember(rules.entity_type, system, candidate.content_hash, prepared)
        return prepared

    def _prepared_version(
        self, rules: MatchRules, system: str, content_hash: str, attributes: Mapping[str, Any]
    ) -> PreparedRecord:
        prepared = self._prepared.get((rules.entity_type, system, content_hash))
        if prepared is None:
            prepared = prepare(rules, attributes, with_keys=False, system=system)
            self._remember(rules.entity_type, system, content_hash, prepared)
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

    def stored_values(self, entity_type: EntityType, prepared: PreparedRecord) -> str:
        """`prepared` (an arrival's) as the text its record is stored with, for when it is
        a candidate."""
        return stored_values.encode(self._rules[entity_type], prepared)

    def term_keys(self, entity_type: EntityType, prepared: PreparedRecord) -> tuple[str, ...]:
        """The term counts matching `prepared` will read (unless graph evidence adds values)."""
        keys = term_keys(self._rules[entity_type], prepared)
        return tuple(sorted({key for pair in keys.values() for key in pair}))

    def compares_references(self, entity_type: EntityType) -> bool:
        """Whether the rules of `entity_type` weigh graph evidence (a resolved reference can
        change a decision)."""
        return bool(reference_slots(self._rules[entity_type]))

    def referred_by(self, referrer_type: EntityType) -> tuple[tuple[EntityType, str], ...]:
        """(entity type, attribute) of every referrers comparison `referrer_type`'s records
        give evidence to: a link of such a record can change what those types match."""
        found = self._referred_by.get(referrer_type)
        if found is None:
            found = self._referred_by[referrer_type] = tuple(
                (entity_type, slot.attribute)
                for entity_type, rules in self._rules.items()
                for slot in referrer_slots(rules)
                if slot.referrer_type is referrer_type
            )
        return found

    async def match(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        own_golden: str | None = None,
        *,
        displace: bool = True,
    ) -> MatchDecision:
        """The decision for `record`; a record matched again leaves out `own_golden`, the
        golden record it belongs to. With `displace`, a golden record left out only because
        members of it name the record as their parent may take the record all the same, those
        members leaving it, when the evidence says so (matching/displacement.py)."""
        decision, kept_out = await self._decide(tx, record, prepared, own_golden)
        if displace and kept_out:
            return await self._displacing(tx, record, prepared, own_golden, decision, kept_out)
        return decision

    async def _displacing(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        own_golden: str | None,
        decision: MatchDecision,
        kept_out: set[str],
    ) -> MatchDecision:
        """`decision`, unless a golden record of `kept_out` takes the record once the members
        that name it as their parent are left out (the decision taken again without them),
        and the record's score against it beats what holds each of them there: then that
        link, with those members displaced (the best-scoring such golden record's)."""
        best = decision
        for golden_id in sorted(kept_out):
            children, others = await _children_naming(tx, record.key, golden_id)
            if not children:
                continue
            leaving = frozenset(child.key for child in children)
            trial, _ = await self._decide(tx, record, prepared, own_golden, leaving)
            if trial.outcome is not MatchOutcome.LINK or trial.golden_id != golden_id:
                continue
            displaced = displaced_by(trial.score, children, others)
            if displaced and (not best.displaced or _above(trial.score, best.score)):
                best = trial._replace(displaced=displaced)
        return best

    async def _decide(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        own_golden: str | None,
        leaving: frozenset[SourceKey] = frozenset(),
    ) -> tuple[MatchDecision, set[str]]:
        """The decision for `record` as if the `leaving` records were in no golden record,
        and the candidate goldens it left out because members of theirs name the record as
        their parent (directly, or as a record awaiting it)."""
        rules = self._rules[record.key.entity_type]
        limits = rules.rules.candidates
        # Retrieval locks the record's keys first: concurrent records that could match each
        # other serialise, so two systems posting the same thing cannot both start a golden.
        top_k = limits.top_k + len(leaving)
        if own_golden is not None:
            # The record's own golden record shares its keys (the record itself among them):
            # its members would take places the other goldens are owed.
            top_k += len(await tx.members(own_golden))
        found = await tx.candidates(
            record.key.entity_type,
            prepared.keys,
            limits.per_key_limit,
            top_k,
            prepared.referenced,
        )
        if own_golden is not None or leaving:
            found = [c for c in found if c.golden_id != own_golden and c.key not in leaving][
                : limits.top_k
            ]
        members = [
            CandidateMember(
                c.key, c.golden_id, c.golden_created_at, self._prepared_candidate(rules, c)
            )
            for c in found
        ]
        incoming, members, excluded, parents, kept_out = await _with_graph_evidence(
            rules,
            record.key,
            record.attributes,
            prepared,
            members,
            [c.attributes for c in found],
            tx,
        )
        incoming, members = await _with_referrers(
            rules, record.key, incoming, members, tx.referrer_goldens
        )
        golden_ids = sorted({m.golden_id for m in members})
        blocked: set[str] = set()
        separated: set[frozenset[str]] = set()
        # Steward decisions can only change the outcome when there is something to merge
        # (a brand-new record has no not-a-match of its own yet): spare the round trip.
        if len(golden_ids) > 1:
            blocked, separated = await tx.separations(record.key, golden_ids)
        terms = await _term_adjustments(rules, incoming, tx.term_counts)
        decision = decide(rules, incoming, members, blocked, separated, excluded, terms=terms)
        for _ in range(LOOP_RETRIES):
            # A hierarchy reference is evidence against a link that would make a thing its
            # own ancestor, never a reason to refuse the record: leave such goldens out.
            loops, holding = await _closing_loops(tx, record, decision, excluded, parents, leaving)
            kept_out |= holding
            if not loops:
                break
            excluded = {**excluded, **loops}
            decision = decide(rules, incoming, members, blocked, separated, excluded, terms=terms)
        joining = [g for g in (own_golden, decision.golden_id) if g is not None]
        if decision.merge or len(joining) == 2:
            # Golden records are about to merge (a record bridging them, or matched again
            # into another). Check every member, not only those retrieval found: two records
            # of one HR system with different numbers are two people, and a subsidiary's
            # golden never merges with its parent's, whichever records a third resembles.
            sources = [
                (g, s)
                for g, s in await _members_of(tx, [*joining, *decision.merge])
                if s.key not in leaving
            ]
            apart = await _hierarchy_pairs(record.key.entity_type, sources, tx.golden_ids_of)
            if own_golden is not None:
                blocked = {*blocked, *(g for pair in apart if own_golden in pair for g in pair)}
                blocked.discard(own_golden)
                kept_out |= {g for pair in apart if own_golden in pair for g in pair}
            held = (
                strong_values(rules, [self._member(rules, g, s) for g, s in sources])
                if decision.merge
                else None
            )
            decision = decide(
                rules, incoming, members, blocked, separated | apart, excluded, held, terms
            )
        kept_out -= {own_golden, decision.golden_id}
        return decision, kept_out

    def term_changes(self, record: IncomingRecord, previous: StoredSource | None) -> dict[str, int]:
        """How storing `record` (replacing `previous`) moves the hub's term counts."""
        rules = self._rules[record.key.entity_type]
        if not term_labels(rules):
            return {}
        system = record.key.system
        after = self._prepared_version(rules, system, record.content_hash, record.attributes)
        before = (
            self._prepared_version(rules, system, previous.content_hash, previous.attributes)
            if previous is not None
            else None
        )
        return count_changes(rules, before, after)

    def _member(self, rules: MatchRules, golden_id: str, source: StoredSource) -> CandidateMember:
        prepared = self._prepared_version(
            rules, source.key.system, source.content_hash, source.attributes
        )
        return CandidateMember(source.key, golden_id, source.recorded_at, prepared)

    async def explain(
        self,
        key: SourceKey,
        attributes: Mapping[str, Any],
        golden_id: str,
        members: Sequence[StoredSource],
        tx: StoreTransaction,
    ) -> GoldenScore | None:
        """How a record compares with a golden record's members (the best-matching one), its
        graph evidence and common values read through `tx` as matching reads them."""
        rules = self._rules[key.entity_type]
        incoming = prepare(rules, attributes, with_keys=False, system=key.system)
        candidates = [
            CandidateMember(
                m.key,
                golden_id,
                m.recorded_at,
                prepare(rules, m.attributes, with_keys=False, system=m.key.system),
            )
            for m in members
        ]
        incoming, candidates, excluded, _, _ = await _with_graph_evidence(
            rules, key, attributes, incoming, candidates, [m.attributes for m in members], tx
        )
        incoming, candidates = await _with_referrers(
            rules, key, incoming, candidates, tx.referrer_goldens
        )
        terms = await _term_adjustments(rules, incoming, tx.term_counts)
        scored = score_goldens(rules, incoming, candidates, excluded=excluded, terms=terms)
        return scored[0] if scored else None


async def _term_adjustments(
    rules: MatchRules, incoming: PreparedRecord, count: TermCounter
) -> dict[str, float] | None:
    """The term-frequency adjustments of the record's values, from one read of the counts."""
    keys = term_keys(rules, incoming)
    if not keys:
        return None
    wanted = sorted({key for pair in keys.values() for key in pair})
    counts = dict(zip(wanted, await count(wanted), strict=True))
    return adjustments(rules, incoming, counts, keys)


async def _closing_loops(
    tx: StoreTransaction,
    record: IncomingRecord,
    decision: MatchDecision,
    excluded: Mapping[str, str],
    parents: frozenset[str],
    leaving: frozenset[SourceKey] = frozenset(),
) -> tuple[dict[str, str], set[str]]:
    """The goldens this decision would have the record join (link, merge or review) that its
    hierarchy references would put on a loop: joining one, the record's parent (`parents`,
    its hierarchy references' goldens) would be below it, or a record awaiting it as parent
    (its subsidiary, its report; none of `leaving`) above it. Also those of them that hold
    such a record themselves."""
    relationship = HIERARCHY_OF.get(record.key.entity_type)
    if relationship is None or decision.outcome is MatchOutcome.NEW:
        return {}, set()
    children = {
        link.referrer_golden_id
        for link in await tx.awaiting(record.key)
        if is_hierarchy(link.relationship) and link.referrer not in leaving
    }
    if not children and not parents:
        return {}, set()
    joined = [decision.golden_id, *decision.merge, *(g.golden_id for g in decision.review)]
    loops: dict[str, str] = {}
    holding: set[str] = set()
    for golden_id in dict.fromkeys(g for g in joined if g is not None and g not in excluded):
        for child in children:
            if child == golden_id:
                holding.add(golden_id)
            path = (
                [child]
                if child == golden_id
                else await tx.hierarchy_path(golden_id, child, relationship)
            )
            if path is not None:
                loops[golden_id] = f"joining it closes a {relationship} loop through {child}"
        for parent in parents:
            if await tx.hierarchy_path(parent, golden_id, relationship) is not None:
                loops[golden_id] = f"joining it closes a {relationship} loop through {parent}"
    return loops, holding


async def _children_naming(
    tx: StoreTransaction, parent: SourceKey, golden_id: str
) -> tuple[list[Member], list[Member]]:
    """The live members of `golden_id` whose hierarchy reference names `parent`, and the
    others, with their memberships (none when no member names it)."""
    sources = await tx.members(golden_id)
    if not any(_names_as_parent(s.key.entity_type, s.attributes, parent) for s in sources):
        return [], []
    children: list[Member] = []
    others: list[Member] = []
    for source in sources:
        found = await tx.get_source(source.key)
        if found is None or found[1].golden_id != golden_id:
            continue
        member = Member(source.key, found[1])
        if _names_as_parent(source.key.entity_type, source.attributes, parent):
            children.append(member)
        else:
            others.append(member)
    return children, others


def _names_as_parent(
    entity_type: EntityType, attributes: Mapping[str, Any], parent: SourceKey
) -> bool:
    return any(
        r.target == parent and is_hierarchy(r.relationship)
        for r in asserted_references(entity_type, attributes)
    )


def _above(score: float | None, other: float | None) -> bool:
    return score is not None and (other is None or score > other)


async def _members_of(
    tx: StoreTransaction, golden_ids: Sequence[str]
) -> list[tuple[str, StoredSource]]:
    """Every live member of these golden records, with the golden record it belongs to."""
    return [(g, source) for g in dict.fromkeys(golden_ids) for source in await tx.members(g)]


async def _hierarchy_pairs(
    entity_type: EntityType,
    sources: Sequence[tuple[str, StoredSource]],
    resolve: GoldenResolver,
) -> set[frozenset[str]]:
    """Pairs of these golden records where a member of one names a member of the other as
    its parent: merged, the thing would be its own parent."""
    if entity_type not in HIERARCHY_OF:
        return set()
    named = [
        (golden_id, ref.target)
        for golden_id, source in sources
        for ref in asserted_references(entity_type, source.attributes)
        if is_hierarchy(ref.relationship)
    ]
    if not named:
        return set()
    goldens = {golden_id for golden_id, _ in sources}
    targets = await resolve([target for _, target in named])
    return {
        frozenset((golden_id, target))
        for (golden_id, _), target in zip(named, targets, strict=True)
        if target is not None and target != golden_id and target in goldens
    }


async def _with_graph_evidence(
    rules: MatchRules,
    key: SourceKey,
    attributes: Mapping[str, Any],
    incoming: PreparedRecord,
    members: list[CandidateMember],
    member_attributes: Sequence[Mapping[str, Any]],
    tx: StoreTransaction,
) -> tuple[PreparedRecord, list[CandidateMember], dict[str, str], frozenset[str], set[str]]:
    """The record and its candidates with references resolved to golden IDs (one read for
    all) and the related golden records' names taken out of the comparisons compared without
    them (one more read), the candidate goldens the record cannot join (the one its own
    hierarchy reference points at: a subsidiary is not its parent; and those with a member
    that names this record as its parent), the goldens its own hierarchy references point
    at, and those with a member that names this record as its parent."""
    slots = reference_slots(rules)
    related = related_without(rules)
    own = [
        r for r in asserted_references(key.entity_type, attributes) if is_hierarchy(r.relationship)
    ]
    if not members or not (slots or related or key.entity_type in HIERARCHY_OF):
        return incoming, members, {}, frozenset(), set()
    wanted = named_keys(slots, [incoming, *(m.prepared for m in members)])
    wanted += [r.target for r in own if r.target not in wanted]
    named = [
        _related_targets(key.entity_type, a, related) for a in (attributes, *member_attributes)
    ]
    wanted += [t for targets in named for t in targets.values() if t not in wanted]
    hierarchy = key.entity_type in HIERARCHY_OF
    if not wanted and not hierarchy:
        return incoming, members, {}, frozenset(), set()  # no reference: nothing to resolve
    goldens = dict(zip(wanted, await tx.golden_ids_of(wanted), strict=True)) if wanted else {}
    excluded: dict[str, str] = {}
    parents: set[str] = set()
    for ref in own:
        parent = goldens.get(ref.target)
        if parent is not None:
            excluded[parent] = f"{ref.attribute} (the record's own {ref.attribute})"
            parents.add(parent)
    naming: set[str] = set()
    for member, held in zip(members, member_attributes, strict=True) if hierarchy else ():
        if _names_as_parent(key.entity_type, held, key):
            excluded.setdefault(member.golden_id, f"{member.key} names this record as its parent")
            naming.add(member.golden_id)
    if related:
        incoming, members = await _without_related_names(
            rules, incoming, members, named, goldens, tx.golden_names
        )
    if slots:
        incoming = with_goldens(incoming, slots, goldens)
        members = [
            m
            if (resolved := with_goldens(m.prepared, slots, goldens)) is m.prepared
            # A candidate with no reference is left as it is (most of them).
            else m._replace(prepared=resolved)
            for m in members
        ]
    return incoming, members, excluded, frozenset(parents), naming


def _related_targets(
    entity_type: EntityType, attributes: Mapping[str, Any], related: frozenset[str]
) -> dict[str, SourceKey]:
    """The records a record's references name, by attribute, for those whose names some
    comparison is compared without."""
    if not related:
        return {}
    return {
        r.attribute: r.target
        for r in asserted_references(entity_type, attributes)
        if r.attribute in related
    }


async def _without_related_names(
    rules: MatchRules,
    incoming: PreparedRecord,
    members: list[CandidateMember],
    named: Sequence[Mapping[str, SourceKey]],
    goldens: Mapping[SourceKey, str | None],
    read_names: Callable[[Sequence[str]], Awaitable[list[str | None]]],
) -> tuple[PreparedRecord, list[CandidateMember]]:
    """The record and its candidates with the names of the golden records their references
    resolve to taken out of the comparisons compared without them (a project's name without
    its customer's: "Northwind Holdings : Finance Transformation" reads "finance
    transformation"). A candidate's are taken out only where it refers to the same golden
    record as the record: a client both belong to says nothing, another client's name in a
    candidate's name is a difference ("Close & Consolidation" for Northwind and for Contoso
    are two projects). An unresolved reference takes nothing out."""
    resolved = [
        {attribute: g for attribute, target in targets.items() if (g := goldens.get(target))}
        for targets in named
    ]
    ids = list(dict.fromkeys(g for found in resolved for g in found.values()))
    if not ids:
        return incoming, members
    names = dict(zip(ids, await read_names(ids), strict=True))

    def related_names(found: Mapping[str, str]) -> dict[str, str]:
        return {a: n for a, g in found.items() if (n := names.get(g))}

    mine = resolved[0]
    incoming = without_related(rules, incoming, related_names(mine))
    return incoming, [
        m._replace(
            prepared=without_related(
                rules,
                m.prepared,
                related_names({a: g for a, g in found.items() if mine.get(a) == g}),
            )
        )
        for m, found in zip(members, resolved[1:], strict=True)
    ]


async def _with_referrers(
    rules: MatchRules,
    key: SourceKey,
    incoming: PreparedRecord,
    members: list[CandidateMember],
    read: ReferrerReader,
) -> tuple[PreparedRecord, list[CandidateMember]]:
    """The record and its candidates with each referrers comparison filled in: the golden
    records of what refers to each (one read per comparison for all of them)."""
    slots = referrer_slots(rules)
    if not slots or not members:
        return incoming, members
    keys = [key, *(m.key for m in members)]
    found: list[dict[str, list[str]]] = [{} for _ in keys]
    for slot in slots:
        for index, goldens in enumerate(await read(keys, slot.referrer_type, slot.attribute)):
            found[index][slot.label] = goldens
    incoming = with_referrers(incoming, found[0])
    return incoming, [
        m._replace(prepared=with_referrers(m.prepared, referrers))
        for m, referrers in zip(members, found[1:], strict=True)
    ]

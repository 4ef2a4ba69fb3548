"""Source records as they arrive and as they are kept, golden records and resolutions."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from mdm_hub.domain.attributes import (
    SOURCE_ID_MAX,
    SYSTEM_CODE_MAX,
    AttributeProblems,
    JsonAttributes,
    SourceId,
    SystemCode,
    pydantic_reason,
    validate_attributes,
)
from mdm_hub.domain.entity_types import ENTITY_TYPES_BY_TEXT, EntityType
from mdm_hub.domain.overrides import STEWARD, OverrideEvent
from mdm_hub.domain.retirement import GoldenStatus, Retirement
from mdm_hub.errors import Problem, RecordRejected
from mdm_hub.standardise.codes import UnmappedCode

_SYSTEM = TypeAdapter(SystemCode)
_SOURCE_ID = TypeAdapter(SourceId)


class SourceKey(NamedTuple):
    """A source record's identity: which system, which kind of record, which ID there."""

    system: str
    entity_type: EntityType
    source_id: str

    def __str__(self) -> str:
        return f"{self.system}/{self.entity_type}/{self.source_id}"

    def label(self) -> str:
        """How errors name the record (`record CRM/CUSTOMER/c-1`), bounded and printable."""
        return _label(self.system, self.entity_type, self.source_id)

    @classmethod
    def parse(cls, system: object, entity_type: object, source_id: object) -> SourceKey:
        """Validate the three parts; raise RecordRejected naming each bad part."""
        if type(system) is str and type(source_id) is str and isinstance(entity_type, str):
            known = ENTITY_TYPES_BY_TEXT.get(entity_type)
            if known is not None and _plain_key(system, source_id):
                return cls(system, known, source_id)
        problems = key_problems(system, entity_type, source_id)
        if problems:
            raise RecordRejected(_label(system, entity_type, source_id), problems)
        return cls(str(system), EntityType(str(entity_type)), str(source_id))


# Nearly every key is plain ASCII well within its limits: that is settled here in a few string
# operations (a 1,000-ref resolveMany: 3 ms less than two pydantic validations per key), and
# only the rest goes through `key_problems`, which names what is wrong. What passes here
# passes there: a system code of 1-64 of its characters, not STEWARD; a source ID of 1-256
# ASCII characters with no control character (ASCII text holds no invisible character and
# no surrogate).
_PLAIN_SYSTEM = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_.\-]{{0,{SYSTEM_CODE_MAX - 1}}}")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain_key(system: str, source_id: str) -> bool:
    return (
        system != STEWARD
        and _PLAIN_SYSTEM.fullmatch(system) is not None
        and 0 < len(source_id) <= SOURCE_ID_MAX
        and source_id.isascii()
        and _ASCII_CONTROL.search(source_id) is None
    )


def key_problems(system: object, entity_type: object, source_id: object) -> list[Problem]:
    problems = []
    for name, adapter, value in (("system", _SYSTEM, system), ("sourceId", _SOURCE_ID, source_id)):
        try:
            adapter.validate_python(value, strict=True)
        except ValidationError as exc:
            problems.append(Problem(name, pydantic_reason(exc.errors(include_url=False)[0])))
    if system == STEWARD:
        problems.append(Problem("system", f"{STEWARD!r} is reserved for steward overrides"))
    if entity_type not in EntityType.__members__:
        allowed = ", ".join(EntityType.__members__)
        problems.append(
            Problem("entityType", f"unknown entity type {entity_type!r}; use {allowed}")
        )
    return problems


def record_label(system: object, entity_type: object, source_id: object) -> str:
    """How errors name a record from its raw parts (`record CRM/CUSTOMER/c-1`)."""
    return _label(system, entity_type, source_id)


def _label(system: object, entity_type: object, source_id: object) -> str:
    # Bounded and printable: the label goes into error messages and logs.
    text = f"{system!s:.64}/{entity_type!s:.32}/{source_id!s:.128}"
    return "record " + text.encode("unicode_escape").decode("ascii")


# Built once: json.dumps with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: object) -> str:
    """One text per JSON value, whatever its key order: for hashing and comparing values."""
    return _CANONICAL.encode(value)


def content_hash(attributes: JsonAttributes, sent: JsonAttributes | None = None) -> str:
    """Hash of the canonical JSON: equal content gives an equal hash whatever the key order.
    With `sent` (what was sent for the values the hub converted), over both: `US` and `USA`
    are one value sent two ways, two versions. Without, the hash of the attributes alone."""
    if sent:
        return hash_of_canonical(canonical_json({"attributes": attributes, "sent": sent}))
    return hash_of_canonical(canonical_json(attributes))


def hash_of_canonical(text: str) -> str:
    """`content_hash` of the attributes whose canonical JSON is `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReferenceLookup(NamedTuple):
    """A blocking key on a reference (`reference:` in a rule file): find the records of the
    matched type whose `attribute` points at a member of the golden record `target` belongs
    to (the projects of this customer), resolved through the crosswalk when read."""

    attribute: str
    target: SourceKey


@dataclass(frozen=True)
class IncomingRecord:
    """A validated source record, ready to be upserted: `attributes` canonical, `sent` what
    was sent for each value the hub converted (empty when all arrived canonical)."""

    key: SourceKey
    attributes: JsonAttributes
    content_hash: str
    observed_at: datetime | None
    # `attributes` as canonical JSON, kept from hashing so the store writes it as it is.
    attributes_json: str | None = field(default=None, compare=False, repr=False)
    sent: JsonAttributes = field(default_factory=dict)
    # Codes the system's mapping does not know yet, kept as sent: for reference data's queue.
    unmapped: tuple[UnmappedCode, ...] = ()

    @classmethod
    def of(
        cls,
        key: SourceKey,
        attributes: JsonAttributes,
        observed_at: datetime | None,
        sent: JsonAttributes | None = None,
        unmapped: tuple[UnmappedCode, ...] = (),
    ) -> IncomingRecord:
        """A record of validated canonical attributes, with its content hash."""
        text = canonical_json(attributes)
        digest = content_hash(attributes, sent) if sent else hash_of_canonical(text)
        return cls(key, attributes, digest, _as_utc(observed_at), text, sent or {}, unmapped)

    @classmethod
    def parse(
        cls,
        system: object,
        entity_type: object,
        source_id: object,
        attributes: object,
        observed_at: datetime | None = None,
    ) -> IncomingRecord:
        """Validate a raw record strictly, as it is (no system check, no standardisation: see
        `mdm_hub.domain.admission` for the door). Raises RecordRejected listing every
        problem, by field."""
        problems = key_problems(system, entity_type, source_id)
        clean: JsonAttributes = {}
        kind: EntityType | None = None
        if not any(p.field == "entityType" for p in problems):
            kind = EntityType(str(entity_type))
            try:
                clean = validate_attributes(kind, attributes)
            except AttributeProblems as exc:
                problems.extend(exc.problems)
        if problems or kind is None:
            raise RecordRejected(_label(system, entity_type, source_id), problems)
        return cls.of(SourceKey(str(system), kind, str(source_id)), clean, observed_at)


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    # A source that sends no offset is taken to mean UTC, the only safe common ground.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UpsertOutcome(StrEnum):
    CREATED = "CREATED"  # a new source record that started a new golden record
    LINKED = "LINKED"  # a new source record linked to an existing golden record
    UPDATED = "UPDATED"  # a known source record whose content changed: a new version
    UNCHANGED = "UNCHANGED"  # a known source record sent again with the same content
    REVIVED = "REVIVED"  # a retired source record sent again: live again in its golden record


class Membership(NamedTuple):
    """A source record's place in the crosswalk: which golden record, since when, decided how
    (the rule), with what score, and why (the match explanation, as JSON)."""

    golden_id: str
    since: datetime
    decided_by: str
    score: float | None = None
    explanation: dict[str, Any] | None = None
    # Set while the record is retired (its system deleted or archived it): it stays here for
    # lineage, but is not a live member.
    retired: Retirement | None = None


# How a membership a steward placed (a merge, an unmerge, a decided candidate) names its
# decider: `steward:<actor>`. The matcher never moves such a membership on its own.
STEWARD_DECIDER = "steward:"


def steward_decided_by(actor: str) -> str:
    """How a membership a steward moved names its decider."""
    return f"{STEWARD_DECIDER}{actor}"


def placed_by_steward(membership: Membership) -> bool:
    """Whether a steward, not the matcher, decided this membership."""
    return membership.decided_by.startswith(STEWARD_DECIDER)


@dataclass(frozen=True)
class StoredSource:
    """A source record version as the store keeps it: canonical `attributes` (what matching
    and survivorship read) and, for each value the hub converted, what was `sent`."""

    key: SourceKey
    attributes: JsonAttributes
    content_hash: str
    version: int
    observed_at: datetime
    recorded_at: datetime
    # `attributes` as canonical JSON when already at hand (None: encode them).
    attributes_json: str | None = field(default=None, compare=False, repr=False)
    sent: JsonAttributes = field(default_factory=dict)
    # What matching made of `attributes`, as text it reads back when the record is a
    # candidate (matching/stored_values.py); None: it standardises them again.
    match_values: str | None = field(default=None, compare=False, repr=False)


class AttributeValue(NamedTuple):
    """One golden attribute value and where it came from.

    For a rule's choice, `source` is the member source record that supplied the value. For a
    steward's pin (rule STEWARD), `source` is (STEWARD, entity type, actor), `source_version`
    the override revision and `observed_at` when it was pinned; `reason` is the steward's.
    A `union` value is a list; `parts` then gives each element with its own provenance.
    (A named tuple: ingest makes one per attribute of every golden record it computes, and
    it is several times cheaper to make than a frozen dataclass.)
    """

    name: str
    value: Any
    rule: str
    source: SourceKey
    source_version: int
    observed_at: datetime
    reason: str | None = None
    parts: tuple[AttributeValue, ...] = ()


class GoldenValues(NamedTuple):
    """A golden record's computed attributes and the hash of the rule set that computed them."""

    attributes: tuple[AttributeValue, ...]
    rule_set_hash: str


@dataclass(frozen=True)
class GoldenRecord:
    id: str
    entity_type: EntityType
    version: int
    created_at: datetime
    updated_at: datetime
    attributes: tuple[AttributeValue, ...] = ()
    # Hash of the survivorship rule set that last computed the attributes (None: never).
    rule_set_hash: str | None = None
    status: GoldenStatus = GoldenStatus.ACTIVE

    def values(self) -> JsonAttributes:
        return {value.name: value.value for value in self.attributes}


class RetiredMember(NamedTuple):
    """A member its system retired: its last version, and the retirement."""

    source: StoredSource
    retirement: Retirement


@dataclass(frozen=True)
class GoldenView:
    """A golden record with its crosswalk (every live member source record, current version)
    and every steward override ever made on it, oldest first. `merged_from` is the ID asked for
    when it was merged away into this one. `retired` holds the members their systems retired:
    kept for lineage, left out of `members`."""

    golden: GoldenRecord
    members: tuple[StoredSource, ...] = field(default_factory=tuple)
    override_history: tuple[OverrideEvent, ...] = field(default_factory=tuple)
    merged_from: str | None = None
    retired: tuple[RetiredMember, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Resolution:
    """The answer to 'which golden record is this source ID, and what is it called elsewhere?'."""

    golden_id: str
    entity_type: EntityType
    crosswalk: tuple[SourceKey, ...]  # the live members
    status: GoldenStatus = GoldenStatus.ACTIVE
    retired: tuple[SourceKey, ...] = ()  # members their systems retired


class UpsertResult(NamedTuple):
    golden_id: str
    outcome: UpsertOutcome
    source_version: int
    score: float | None = None
    match_candidate_id: str | None = None


@dataclass(frozen=True)
class StoredCandidate:
    """A source record found by candidate retrieval: its current attributes, its golden
    record, how many of the incoming record's keys it shares, and what they weigh (the sum of
    their rarity weights, `mdm_hub.matching.rarity`: what candidates are ranked by)."""

    key: SourceKey
    attributes_json: str  # as stored: decoded only when asked for (see `attributes`)
    content_hash: str
    golden_id: str
    golden_created_at: datetime
    shared_keys: int
    key_weight: int = 0
    match_values: str | None = None  # as put_source stored it (see StoredSource)

    @cached_property
    def attributes(self) -> JsonAttributes:
        # The matcher keeps candidates' comparison values by content hash, so most
        # candidates are never decoded.
        decoded: JsonAttributes = json.loads(self.attributes_json)
        return decoded


class CandidateStatus(StrEnum):
    OPEN = "OPEN"
    MATCHED = "MATCHED"
    NOT_A_MATCH = "NOT_A_MATCH"


@dataclass(frozen=True)
class ScoredGolden:
    golden_id: str
    score: float
    explanation: dict[str, Any]


@dataclass(frozen=True)
class CandidateDecision:
    """Who decided a match candidate, why, and when."""

    actor: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class MatchCandidate:
    """A record the matcher was unsure about, queued for a data steward: the record (which
    started its own golden record), the golden records it may belong to, and why; once a
    steward decided it, the decision."""

    id: str
    source: SourceKey
    golden_id: str
    status: CandidateStatus
    created_at: datetime
    candidates: tuple[ScoredGolden, ...]
    decision: CandidateDecision | None = None


@dataclass(frozen=True)
class RejectedRecord:
    """A record that failed validation, kept with its reasons so nothing sent is lost."""

    received_at: datetime
    payload: dict[str, Any]
    problems: tuple[Problem, ...]
    correlation_id: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)

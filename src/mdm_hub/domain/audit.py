"""The audit log: append-only events chained by SHA-256, and the verifier that walks them.

Each event's `hash` is SHA-256 over the canonical JSON of every other field, `prevHash`
included, so editing an event breaks its own hash, deleting one leaves a gap in `seq`, and
swapping two breaks both (seq is hashed). The first event's prevHash is GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from json.encoder import encode_basestring
from typing import Any

from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.records import SourceKey

GENESIS = "0" * 64
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditContext:
    """Who caused a change, as whom, and in which request."""

    actor: str = SYSTEM_ACTOR
    role: str = SYSTEM_ACTOR
    correlation_id: str | None = None


SYSTEM = AuditContext()


class Action(StrEnum):
    """What an event records."""

    INGEST_CREATED = "ingest.created"  # a new source record started a new golden record
    INGEST_LINKED = "ingest.linked"  # a new source record joined a golden record (score, rule)
    INGEST_UPDATED = "ingest.updated"  # a known source record sent new content
    CANDIDATE_OPENED = "candidate.opened"  # the matcher queued a match candidate
    BRIDGING_MERGE = "golden.bridging_merge"  # a new record matched several golden records
    # A record matched again once a reference of it resolved, and it matched another golden
    REMATCH_MERGE = "golden.rematch_merge"
    # A record joined a golden record that held its subsidiary (a member naming it as its
    # parent, placed by the matcher on less evidence): the subsidiary moved out to a new golden
    # record of its own, to be matched again (matching/displacement.py)
    REMATCH_SPLIT = "golden.rematch_split"
    MERGE = "golden.merge"  # a steward merged golden records
    UNMERGE = "golden.unmerge"  # a steward moved source records out of a golden record
    CANDIDATE_DECIDED = "candidate.decided"
    NOT_A_MATCH = "golden.not_a_match"
    OVERRIDE = "attribute.override"
    CLEAR_OVERRIDE = "attribute.clear_override"
    RECOMPUTE = "golden.recompute"  # a rule rollout changed or restamped a golden record
    SOURCE_RETIRED = "source.retired"  # its system deleted or archived a source record
    SOURCE_REVIVED = "source.revived"  # a retired source record was sent again: live again


# Events that move source records out of a golden record: `before` and `after` name the golden
# records (`goldenId`) and the moved records (`sources`, as source subjects).
MEMBER_MOVES = (Action.UNMERGE, Action.REMATCH_SPLIT)


def source_subject(key: SourceKey) -> str:
    """How a source record is named among an event's subject IDs."""
    return f"source:{key.system}/{key.entity_type}/{key.source_id}"


@dataclass(frozen=True)
class AuditEntry:
    """A change to record; the store gives it its seq and chain hashes."""

    at: datetime
    context: AuditContext
    action: str
    subject_ids: tuple[str, ...]
    before: Any = None
    after: Any = None
    reason: str | None = None
    # `after` as canonical JSON when the caller has it already (`canonical_after`), so that
    # sealing does not encode it again.
    after_json: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str  # ISO-8601, exactly as hashed
    actor: str
    role: str
    correlation_id: str | None
    action: str
    subject_ids: tuple[str, ...]
    before: Any
    after: Any
    reason: str | None
    prev_hash: str
    hash: str
    # `before` and `after` as canonical JSON, kept from sealing so a store writes the text
    # that was hashed without encoding it again (None when not sealed here).
    before_json: str | None = field(default=None, compare=False, repr=False)
    after_json: str | None = field(default=None, compare=False, repr=False)
    # Why the stored event could not be read whole (a field that is not JSON, one missing):
    # the verifier reports it broken at its seq instead of failing the walk.
    unreadable: str | None = field(default=None, compare=False, repr=False)

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "role": self.role,
            "correlationId": self.correlation_id,
            "action": self.action,
            "subjectIds": list(self.subject_ids),
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "prevHash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        return event_hash(self.hashed_fields())


# Built once: json.dumps with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def canonical_after(after: Mapping[str, Any], attributes_json: str | None) -> str | None:
    """`canonical(after)` with its "attributes" written as `attributes_json`, their canonical
    text as hashing a record made it (a record's attributes are most of its event): None
    when that text is not at hand or may differ (a float JSON has no word for, which
    `canonical` refuses), and the event is then encoded whole when sealed."""
    if attributes_json is None or "NaN" in attributes_json or "Infinity" in attributes_json:
        return None
    rest = {name: value for name, value in after.items() if name != "attributes"}
    # Keys are written sorted and "attributes" sorts before every other key of an event.
    if not rest or min(rest) < "attributes" or "attributes" not in after:
        return None
    return '{"attributes":' + attributes_json + "," + canonical(rest)[1:]


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


# The hashed field names in canonical (sorted) order; none needs escaping.
_HASHED_ORDER = sorted(
    [
        "seq",
        "at",
        "actor",
        "role",
        "correlationId",
        "action",
        "subjectIds",
        "before",
        "after",
        "reason",
        "prevHash",
    ]
)


def _string(value: str | None) -> str:
    """A string as `canonical` writes it (the encoder's own escaping), or null."""
    return "null" if value is None else encode_basestring(value)


def seal(entry: AuditEntry, seq: int, prev_hash: str) -> AuditEvent:
    """The event `entry` becomes as number `seq` after the event hashed `prev_hash`."""
    before_json = canonical(entry.before) if entry.before is not None else None
    after_json = entry.after_json
    if after_json is None and entry.after is not None:
        after_json = canonical(entry.after)
    at = iso_text(entry.at)
    subject_ids = tuple(entry.subject_ids)
    # The canonical text of `hashed_fields()`, assembled from each field's canonical text so
    # the (largest) before/after values are encoded once: canonical JSON of a value
    # re-encodes to the same text, so the hash is the one `computed_hash` gives.
    pieces = {
        "seq": str(seq),
        "at": _string(at),
        "actor": _string(entry.context.actor),
        "role": _string(entry.context.role),
        "correlationId": _string(entry.context.correlation_id),
        "action": _string(entry.action),
        "subjectIds": "[" + ",".join(map(_string, subject_ids)) + "]",
        "before": before_json or "null",
        "after": after_json or "null",
        "reason": _string(entry.reason),
        "prevHash": _string(prev_hash),
    }
    text = "{" + ",".join(f'"{name}":{pieces[name]}' for name in _HASHED_ORDER) + "}"
    return AuditEvent(
        seq=seq,
        at=at,
        actor=entry.context.actor,
        role=entry.context.role,
        correlation_id=entry.context.correlation_id,
        action=entry.action,
        subject_ids=subject_ids,
        # As given, not decoded back from the text: equal as JSON, which is all a reader
        # or the hash sees.
        before=entry.before,
        after=entry.after,
        reason=entry.reason,
        prev_hash=prev_hash,
        hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        before_json=before_json,
        after_json=after_json,
    )


def seal_all(entries: Sequence[AuditEntry], head_seq: int, head_hash: str) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for entry in entries:
        event = seal(entry, head_seq + 1, head_hash)
        events.append(event)
        head_seq, head_hash = event.seq, event.hash
    return events


@dataclass(frozen=True)
class Gap:
    """Seqs missing from the chain, inclusive."""

    from_seq: int
    to_seq: int


@dataclass(frozen=True)
class IndexEntry:
    """One row of the lineage index (subject ID → event seq), which lineage reads by."""

    seq: int
    subject: str


@dataclass(frozen=True)
class IndexFaults:
    """Where the lineage index and the events disagree (each list in seq order, capped)."""

    missing: list[IndexEntry] = field(default_factory=list)
    extra: list[IndexEntry] = field(default_factory=list)


@dataclass
class ChainStatus:
    intact: bool = True
    events: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    first_broken_seq: int | None = None
    # Why the first broken seq does not verify.
    first_broken_reason: str | None = None
    gaps: list[Gap] = field(default_factory=list)
    # Events are stored but the head row (the last seq and hash) is not: writes are refused.
    head_missing: bool = False
    # Lineage index rows an event names but the index lacks, and rows no event names.
    index_missing: list[IndexEntry] = field(default_factory=list)
    index_extra: list[IndexEntry] = field(default_factory=list)

    def break_at(self, seq: int, reason: str) -> None:
        if self.first_broken_seq is None:
            self.first_broken_seq, self.first_broken_reason = seq, reason


class ChainVerifier:
    """Feed events in seq order (in pages), then `finish` with the stored head, if any."""

    def __init__(self) -> None:
        self.status = ChainStatus()
        self._expected_seq = 1
        self._prev_hash = GENESIS

    def feed(self, events: Iterable[AuditEvent]) -> None:
        status = self.status
        for event in events:
            status.events += 1
            gap = event.seq > self._expected_seq
            if gap:
                status.gaps.append(Gap(self._expected_seq, event.seq - 1))
            if event.unreadable is not None:
                status.break_at(event.seq, f"unreadable: {event.unreadable}")
            elif event.seq < self._expected_seq:
                status.break_at(event.seq, "out of seq order")
            elif not gap and event.prev_hash != self._prev_hash:
                status.break_at(event.seq, "prevHash is not the previous event's hash")
            elif event.computed_hash() != event.hash:
                status.break_at(event.seq, "hash does not match the event's content")
            self._expected_seq = max(self._expected_seq, event.seq + 1)
            self._prev_hash = event.hash
            status.head_seq, status.head_hash = event.seq, event.hash

    def finish(
        self,
        head: tuple[int, str] | None = None,
        *,
        head_stored: bool = False,
        index: IndexFaults | None = None,
    ) -> ChainStatus:
        """`head` is the stored chain head: events deleted from the end show as a gap, and a
        head that does not match the last event as broken. With `head_stored`, `head` is
        what the store holds, so None with events stored is a missing head. `index` is what
        checking the lineage index against the events found."""
        status = self.status
        if index is not None:
            status.index_missing, status.index_extra = list(index.missing), list(index.extra)
        if head is not None:
            head_seq, head_hash = head
            if head_seq > status.head_seq:
                status.gaps.append(Gap(status.head_seq + 1, head_seq))
            elif head_seq < status.head_seq:
                status.break_at(head_seq + 1, f"past the stored head (seq {head_seq})")
            elif head_hash != status.head_hash:
                status.break_at(status.head_seq, "not the event the stored head names")
            status.head_seq, status.head_hash = head_seq, head_hash
        elif head_stored and status.events:
            status.head_missing = True
        status.intact = (
            status.first_broken_seq is None
            and not status.gaps
            and not status.head_missing
            and not status.index_missing
            and not status.index_extra
        )
        return status


def verify(events: Iterable[AuditEvent], head: tuple[int, str] | None = None) -> ChainStatus:
    verifier = ChainVerifier()
    verifier.feed(events)
    return verifier.finish(head)

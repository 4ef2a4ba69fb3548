"""How both stores write domain values as JSON text and read them back, in one place."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.overrides import OverrideAction, OverrideEvent
from mdm_hub.domain.records import (
    AttributeValue,
    CandidateDecision,
    CandidateStatus,
    GoldenRecord,
    GoldenValues,
    MatchCandidate,
    RejectedRecord,
    RetiredMember,
    ScoredGolden,
    SourceKey,
    StoredCandidate,
    StoredSource,
    canonical_json,
)
from mdm_hub.domain.retirement import GoldenStatus, Retirement
from mdm_hub.domain.text import printable
from mdm_hub.errors import Problem


def dumps(value: object) -> str:
    return canonical_json(value)


def explanation_json(explanation: Mapping[str, Any] | None) -> str | None:
    """A match explanation as stored text. Never hashed, so not canonical: orjson writes
    it several times faster than the json module (every ingested record stores one)."""
    return None if explanation is None else orjson.dumps(explanation).decode("utf-8")


def golden_attributes_to_json(attributes: Sequence[AttributeValue]) -> str:
    # Written for every golden record ingest touches, so the text is assembled directly;
    # it must stay byte for byte what dumps() of the _attribute_to_dict form gives (stored
    # rows and hashes depend on it). Anything the direct path cannot encode (a field not of
    # its declared type) goes the general way, which then answers or fails as it always did.
    out: list[str] = []
    try:
        _write_attributes(attributes, out, {})
    except TypeError:
        return dumps([_attribute_to_dict(a) for a in attributes])
    return "".join(out)


def new_golden_fields(first: GoldenValues | None) -> tuple[str, str | None, int]:
    """A new golden record's attributes text, rule set hash and version: empty (version 0)
    or with its first computed values (version 1, as an update would leave it)."""
    if first is None:
        return "[]", None, 0
    return golden_attributes_to_json(first.attributes), first.rule_set_hash, 1


_string = json.encoder.encode_basestring  # how dumps() writes a str (ensure_ascii=False)
# What dumps() builds on every call; made once here, the same settings.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _write_attributes(
    attributes: Sequence[AttributeValue], out: list[str], times: dict[int, str]
) -> None:
    # The keys of _attribute_to_dict in sorted order, as dumps() (sort_keys) writes them.
    out.append("[")
    for position, a in enumerate(attributes):
        source = a.source
        out.append('{"entityType":' if position == 0 else ',{"entityType":')
        out.append(_string(str(source.entity_type)))
        out.append(',"name":')
        out.append(_string(a.name))
        out.append(',"observedAt":')
        # A member's values share its observedAt object: format each once per call. Keyed
        # by identity: equal moments in different offsets have different texts.
        observed = times.get(id(a.observed_at))
        if observed is None:
            observed = times[id(a.observed_at)] = _string(iso_text(a.observed_at))
        out.append(observed)
        if a.parts:
            out.append(',"parts":')
            _write_attributes(a.parts, out, times)
        if a.reason is not None:
            out.append(',"reason":')
            out.append(_string(a.reason))
        out.append(',"rule":')
        out.append(_string(a.rule))
        out.append(',"sourceId":')
        out.append(_string(source.source_id))
        out.append(',"system":')
        out.append(_string(source.system))
        out.append(',"value":')
        value = a.value
        out.append(_string(value) if type(value) is str else _ENCODER.encode(value))
        out.append(',"version":')
        version = a.source_version
        # dumps() writes an int as int.__repr__ does; anything else (a bool) goes through it.
        out.append(int.__repr__(version) if type(version) is int else _ENCODER.encode(version))
        out.append("}")
    out.append("]")


def _attribute_to_dict(a: AttributeValue) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": a.name,
        "value": a.value,
        "rule": a.rule,
        "system": a.source.system,
        "entityType": str(a.source.entity_type),
        "sourceId": a.source.source_id,
        "version": a.source_version,
        "observedAt": iso_text(a.observed_at),
    }
    # Only when present: most values have neither, and older rows were written without them.
    if a.reason is not None:
        item["reason"] = a.reason
    if a.parts:
        item["parts"] = [_attribute_to_dict(part) for part in a.parts]
    return item


def golden_attributes_from_json(text: str) -> tuple[AttributeValue, ...]:
    return tuple([_attribute_from_dict(item) for item in json.loads(text)])


def _attribute_from_dict(item: Mapping[str, Any]) -> AttributeValue:
    # Positional, and parts only when there are any: read for every golden record ingest
    # touches, mostly values without parts.
    return AttributeValue(
        item["name"],
        item["value"],
        item["rule"],
        source_key(item),
        item["version"],
        datetime.fromisoformat(item["observedAt"]),
        item.get("reason"),
        tuple([_attribute_from_dict(part) for part in item["parts"]]) if "parts" in item else (),
    )


# EntityType(text) through a plain dict: the enum's own lookup is several times slower.
_ENTITY_TYPES: dict[str, EntityType] = {str(t): t for t in EntityType}


def _entity_type(text: str) -> EntityType:
    try:
        return _ENTITY_TYPES[text]
    except (KeyError, TypeError):
        return EntityType(text)  # which raises as it always did


# As for entity types: read for every golden record, so a dict rather than the enum's lookup.
_STATUSES: dict[str | None, GoldenStatus] = {str(s): s for s in GoldenStatus}
# Golden records written before retirement existed have no status: they are ACTIVE.
_STATUSES[None] = GoldenStatus.ACTIVE


def _golden_status(text: str | None) -> GoldenStatus:
    try:
        return _STATUSES[text]
    except KeyError:
        return GoldenStatus(str(text))  # which raises, naming the unknown value


def golden_record(fields: Mapping[str, Any], with_values: bool = True) -> GoldenRecord:
    """A GoldenRecord from a row or node map with the store's camelCase property names
    (without its attribute values when not `with_values`)."""
    return GoldenRecord(
        id=fields["id"],
        entity_type=_entity_type(fields["entityType"]),
        version=fields["version"],
        created_at=as_datetime(fields["createdAt"]),
        updated_at=as_datetime(fields["updatedAt"]),
        attributes=golden_attributes_from_json(fields["attributes"]) if with_values else (),
        rule_set_hash=_optional(fields, "ruleSetHash"),
        status=_golden_status(_optional(fields, "status")),
    )


def override_event_params(event: OverrideEvent) -> dict[str, Any]:
    """An override event as store parameters; the value as JSON text (null for a clear)."""
    return {
        "revision": event.revision,
        "attribute": event.attribute,
        "action": str(event.action),
        "value": None if event.value is None else dumps(event.value),
        "actor": event.actor,
        "reason": event.reason,
        "at": event.at,
    }


def override_event(fields: Mapping[str, Any]) -> OverrideEvent:
    value = _optional(fields, "value")
    return OverrideEvent(
        revision=fields["revision"],
        attribute=fields["attribute"],
        action=OverrideAction(fields["action"]),
        value=None if value is None else json.loads(value),
        actor=fields["actor"],
        reason=fields["reason"],
        at=as_datetime(fields["at"]),
    )


def _optional(fields: Mapping[str, Any], name: str) -> Any:
    # sqlite3.Row answers `in` over values, not keys; Neo4j omits null properties.
    return fields[name] if name in fields.keys() else None  # noqa: SIM118


def stored_source(fields: Mapping[str, Any]) -> StoredSource:
    """A StoredSource from a row or node map with the store's camelCase property names."""
    # Positional: read for every member of every golden record ingest touches.
    sent = _sent(fields)
    return StoredSource(
        source_key(fields),
        json.loads(fields["attributes"]),
        fields["contentHash"],
        fields["version"],
        as_datetime(fields["observedAt"]),
        as_datetime(fields["recordedAt"]),
        None,
        json.loads(sent) if sent else {},
    )


def retirement_of(fields: Mapping[str, Any]) -> Retirement | None:
    """The retirement a source row or node map carries (retiredAt, retiredObservedAt,
    retiredReason), or None while the record is live."""
    try:
        recorded = fields["retiredAt"]
    except (KeyError, IndexError):  # a Neo4j map omits null properties; a row raises IndexError
        return None
    if recorded is None:
        return None
    return Retirement(
        as_datetime(recorded),
        as_datetime(fields["retiredObservedAt"]),
        _optional(fields, "retiredReason"),
    )


def split_members(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[tuple[StoredSource, ...], tuple[RetiredMember, ...]]:
    """Member rows (with their retirement fields) as live members and retired ones."""
    live: list[StoredSource] = []
    retired: list[RetiredMember] = []
    for row in rows:
        gone = retirement_of(row)
        if gone is None:
            live.append(stored_source(row))
        else:
            retired.append(RetiredMember(stored_source(row), gone))
    return tuple(live), tuple(retired)


def _sent(fields: Mapping[str, Any]) -> str | None:
    # The embedded store always has the column (null: nothing converted); Neo4j leaves the
    # property out. Not _optional: a sqlite3.Row lists its keys on every call.
    try:
        sent: str | None = fields["sent"]
    except (KeyError, IndexError):
        return None
    return sent


def as_datetime(value: Any) -> datetime:
    """Neo4j returns its own DateTime, SQLite an ISO string; both become an aware datetime."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    native: datetime = value.to_native()
    return native


def problems_to_json(problems: Sequence[Problem]) -> str:
    return dumps(kept_as_json([{"field": p.field, "reason": p.reason} for p in problems]))


def reject_from_fields(fields: Mapping[str, Any]) -> RejectedRecord:
    return RejectedRecord(
        received_at=as_datetime(fields["receivedAt"]),
        payload=json.loads(fields["payload"]),
        problems=tuple(Problem(p["field"], p["reason"]) for p in json.loads(fields["problems"])),
        correlation_id=_optional(fields, "correlationId"),
    )


def payload_to_json(payload: Mapping[str, Any]) -> str:
    # A reject's payload may hold anything a caller sent; never fail to keep it, and keep it
    # as JSON every client can read back (see kept_as_json).
    return json.dumps(
        kept_as_json(payload), sort_keys=True, default=repr, ensure_ascii=False, allow_nan=False
    )


def kept_as_json(value: Any) -> Any:
    """`value` as strict JSON can hold it: a lone surrogate in text (or a key) written as its
    `\\udXXX` escape, a number JSON has no word for (1e999 read as infinity, NaN) as text."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, Mapping):
        return {printable(str(k)): kept_as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [kept_as_json(item) for item in value]
    return value


def source_key(fields: Mapping[str, Any]) -> SourceKey:
    return SourceKey(fields["system"], _entity_type(fields["entityType"]), fields["sourceId"])


def stored_candidate(
    fields: Mapping[str, Any], shared_keys: int, key_weight: int
) -> StoredCandidate:
    return StoredCandidate(
        key=source_key(fields),
        attributes_json=fields["attributes"],
        content_hash=fields["contentHash"],
        golden_id=fields["goldenId"],
        golden_created_at=as_datetime(fields["goldenCreatedAt"]),
        shared_keys=shared_keys,
        key_weight=key_weight,
    )


def scored_goldens_to_json(candidates: Sequence[ScoredGolden]) -> str:
    return orjson.dumps(
        [
            {"goldenId": c.golden_id, "score": c.score, "explanation": c.explanation}
            for c in candidates
        ]
    ).decode("utf-8")


def match_candidate(fields: Mapping[str, Any]) -> MatchCandidate:
    return MatchCandidate(
        id=fields["id"],
        source=source_key(fields),
        golden_id=fields["goldenId"],
        status=CandidateStatus(fields["status"]),
        created_at=as_datetime(fields["createdAt"]),
        candidates=tuple(
            ScoredGolden(c["goldenId"], c["score"], c["explanation"])
            for c in json.loads(fields["candidates"])
        ),
        decision=candidate_decision(fields),
    )


def candidate_decision(fields: Mapping[str, Any]) -> CandidateDecision | None:
    actor = _optional(fields, "decidedBy")
    if actor is None:
        return None
    return CandidateDecision(actor, fields["decisionReason"], as_datetime(fields["decidedAt"]))


def optional_json(text: str | None) -> Any:
    return json.loads(text) if text else None


def merged_by(loser_id: str) -> str:
    return f"merge:{loser_id}"

"""Golden records to and from the store's fields: their attribute values as canonical JSON text
(assembled directly, since ingest writes one for every golden record it touches)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from mdm_hub.adapters.codecs.sources import source_key_from_fields
from mdm_hub.adapters.codecs.values import (
    as_datetime,
    dumps,
    optional_field,
)
from mdm_hub.domain.attributes import NAME_ATTRIBUTES
from mdm_hub.domain.entity_types import EntityType, entity_type_from_text
from mdm_hub.domain.moments import iso_text
from mdm_hub.domain.records import (
    AttributeValue,
    GoldenRecord,
    GoldenValues,
)
from mdm_hub.domain.retirement import GoldenStatus


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


def golden_names_in_order(
    rows: Iterable[Mapping[str, Any]], golden_ids: Sequence[str]
) -> list[str | None]:
    """The name of each golden record asked for, in input order, from rows of its `id`,
    `entityType` and stored `attributes` (None for one not among them or without a name)."""
    found = {r["id"]: golden_name_from_json(r["entityType"], r["attributes"]) for r in rows}
    return [found.get(golden_id) for golden_id in golden_ids]


def golden_name_from_json(entity_type: str, text: str) -> str | None:
    """What a golden record of `entity_type` is called, from its stored attributes text:
    its name attributes' values joined, None when it has none."""
    wanted = NAME_ATTRIBUTES[EntityType(entity_type)]
    values = {
        item["name"]: item["value"]
        for item in json.loads(text)
        if item.get("name") in wanted and isinstance(item.get("value"), str)
    }
    name = " ".join(values[a] for a in wanted if a in values)
    return name or None


def golden_attributes_from_json(text: str) -> tuple[AttributeValue, ...]:
    return tuple([_attribute_from_dict(item) for item in json.loads(text)])


def _attribute_from_dict(item: Mapping[str, Any]) -> AttributeValue:
    # Positional, and parts only when there are any: read for every golden record ingest
    # touches, mostly values without parts.
    return AttributeValue(
        item["name"],
        item["value"],
        item["rule"],
        source_key_from_fields(item),
        item["version"],
        datetime.fromisoformat(item["observedAt"]),
        item.get("reason"),
        tuple([_attribute_from_dict(part) for part in item["parts"]]) if "parts" in item else (),
    )


# As for entity types: read for every golden record, so a dict rather than the enum's lookup.
_STATUSES: dict[str | None, GoldenStatus] = {str(s): s for s in GoldenStatus}


# Golden records written before retirement existed have no status: they are ACTIVE.
_STATUSES[None] = GoldenStatus.ACTIVE


def _golden_status(text: str | None) -> GoldenStatus:
    try:
        return _STATUSES[text]
    except KeyError:
        return GoldenStatus(str(text))  # which raises, naming the unknown value


def golden_from_fields(fields: Mapping[str, Any], with_values: bool = True) -> GoldenRecord:
    """A GoldenRecord from a row or node map with the store's camelCase property names
    (without its attribute values when not `with_values`)."""
    return GoldenRecord(
        id=fields["id"],
        entity_type=entity_type_from_text(fields["entityType"]),
        version=fields["version"],
        created_at=as_datetime(fields["createdAt"]),
        updated_at=as_datetime(fields["updatedAt"]),
        attributes=golden_attributes_from_json(fields["attributes"]) if with_values else (),
        rule_set_hash=optional_field(fields, "ruleSetHash"),
        status=_golden_status(optional_field(fields, "status")),
    )


def merged_by(loser_id: str) -> str:
    return f"merge:{loser_id}"

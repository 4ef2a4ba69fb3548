"""The encodings every codec shares: canonical JSON text, times, optional fields, entity
types and golden statuses, and values kept as strict JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mdm_hub.domain.numbers import OversizedInteger
from mdm_hub.domain.records import canonical_json
from mdm_hub.domain.retirement import GoldenStatus
from mdm_hub.domain.text import printable


def dumps(value: object) -> str:
    return canonical_json(value)


_GOLDEN_STATUSES: dict[str, GoldenStatus] = {str(s): s for s in GoldenStatus}


def golden_status_from_text(text: str) -> GoldenStatus:
    """GoldenStatus(text) through a plain dict, as entity types (once per resolution)."""
    try:
        return _GOLDEN_STATUSES[text]
    except (KeyError, TypeError):
        return GoldenStatus(text)  # which raises as it always did


def optional_field(fields: Mapping[str, Any], name: str) -> Any:
    # sqlite3.Row answers `in` over values, not keys; Neo4j omits null properties.
    return fields[name] if name in fields.keys() else None  # noqa: SIM118


def as_datetime(value: Any) -> datetime:
    """Neo4j returns its own DateTime, SQLite an ISO string; both become an aware datetime."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    native: datetime = value.to_native()
    return native


def kept_as_json(value: Any) -> Any:
    """`value` as strict JSON can hold it: a lone surrogate in text (or a key) written as its
    `\\udXXX` escape, a number JSON has no word for (1e999 read as infinity, NaN, an integer
    beyond 64 bits) as text."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, OversizedInteger):  # beyond 64 bits: kept as the digits sent
        return value.digits
    if isinstance(value, Mapping):
        return {printable(str(k)): kept_as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [kept_as_json(item) for item in value]
    return value


def optional_json(text: str | None) -> Any:
    return json.loads(text) if text else None

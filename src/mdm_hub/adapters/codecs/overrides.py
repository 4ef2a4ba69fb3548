"""Steward override events to and from the store's fields (the value as JSON text)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mdm_hub.adapters.codecs.values import (
    as_datetime,
    dumps,
    optional_field,
)
from mdm_hub.domain.overrides import OverrideAction, OverrideEvent


def override_event_to_fields(event: OverrideEvent) -> dict[str, Any]:
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


def override_event_from_fields(fields: Mapping[str, Any]) -> OverrideEvent:
    value = optional_field(fields, "value")
    return OverrideEvent(
        revision=fields["revision"],
        attribute=fields["attribute"],
        action=OverrideAction(fields["action"]),
        value=None if value is None else json.loads(value),
        actor=fields["actor"],
        reason=fields["reason"],
        at=as_datetime(fields["at"]),
    )

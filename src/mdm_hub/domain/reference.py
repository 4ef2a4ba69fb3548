"""Codes that arrived without a mapping to a canonical code: what the stewards' queue holds.

A source system sends its own spelling of a coded value (`status: "A"`). When a code set's
mappings do not know that spelling and the code set queues unknown values, the value is kept as
sent and counted here, per system and attribute, until someone adds a mapping for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from mdm_hub.domain.entity_types import EntityType


class UnmappedCode(NamedTuple):
    """One value a system sent for a coded attribute that no mapping turned into a code."""

    system: str
    entity_type: EntityType
    attribute: str
    code_set: str
    value: str


@dataclass(frozen=True)
class QueuedCode:
    """An unmapped code as the queue keeps it: how often it arrived, first and last."""

    code: UnmappedCode
    count: int
    first_seen: datetime
    last_seen: datetime

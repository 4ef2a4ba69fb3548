"""Retirement: a source system deleted or archived a record. The record stays in the crosswalk
(lineage keeps it), but it no longer counts among its golden record's live members; a golden
record left with no live member is RETIRED, and still resolves."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class GoldenStatus(StrEnum):
    ACTIVE = "ACTIVE"  # at least one live member
    RETIRED = "RETIRED"  # every member was retired by its system; the ID still resolves


class RetireOutcome(StrEnum):
    RETIRED = "RETIRED"  # a live record retired now
    ALREADY_RETIRED = "ALREADY_RETIRED"  # it was retired before: nothing written


class Retirement(NamedTuple):
    """When the hub was told a record was retired, when its system retired it (as sent, else
    the same moment), and why (as sent; None when no reason was given)."""

    recorded_at: datetime
    observed_at: datetime
    reason: str | None = None


def status_of(live_members: int) -> GoldenStatus:
    return GoldenStatus.ACTIVE if live_members else GoldenStatus.RETIRED

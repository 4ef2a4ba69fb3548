"""How much work waits on people or on data: the sizes an operator watches."""

from __future__ import annotations

from typing import NamedTuple


class QueueSizes(NamedTuple):
    review: int  # open match candidates awaiting a steward
    pending_references: int  # references to records the hub has not seen yet
    rejects: int  # rejected records kept for inspection
    unmapped_codes: int  # distinct codes no mapping covers yet

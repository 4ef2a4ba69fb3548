"""The `observedAt` of an upserted record: read like DateTime, but text that is not a date-time
refuses its record alone (kept in the reject queue with why), not the whole request: GraphQL
would refuse every record of the batch for one bad value."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NewType

import strawberry

if TYPE_CHECKING:  # to mypy a plain type, to strawberry a scalar
    ObservedAt = NewType("ObservedAt", object)
else:
    ObservedAt = strawberry.scalar(
        NewType("ObservedAt", object),
        name="ObservedAt",
        description=(
            "An ISO 8601 date-time, as DateTime; one that cannot be read refuses its record "
            "alone (into the reject queue), not the whole batch."
        ),
        serialize=lambda value: value.isoformat() if isinstance(value, datetime) else value,
        parse_value=lambda value: value,
    )

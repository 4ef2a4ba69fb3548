"""The `observedAt` of an upserted record: read like DateTime, but text that is not a date-time
refuses its record alone (kept in the reject queue with why), not the whole request: GraphQL
would refuse every record of the batch for one bad value."""

from __future__ import annotations

from datetime import datetime
from typing import NewType

import strawberry

ObservedAt = NewType("ObservedAt", object)

# For the schema's StrawberryConfig.scalar_map; ingest's door reads the value.
OBSERVED_AT_SCALAR = strawberry.scalar(
    name="ObservedAt",
    description=(
        "An ISO 8601 date-time, as DateTime; one that cannot be read refuses its record "
        "alone (into the reject queue), not the whole batch."
    ),
    serialize=lambda value: value.isoformat() if isinstance(value, datetime) else value,
    parse_value=lambda value: value,
)

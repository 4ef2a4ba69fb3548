"""How values read on the pages: a golden record's name, a value of any JSON shape."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

# The attributes that name a record, by entity type's habits: the first present wins.
NAMING = (("name",), ("legal_name",), ("given_name", "family_name"), ("code",), ("title",))


def label(values: Mapping[str, Any]) -> str:
    for keys in NAMING:
        parts = [str(values[k]) for k in keys if values.get(k)]
        if parts:
            return " ".join(parts)
    return "(unnamed)"


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def ring(count: int, radius: float = 110.0, centre: float = 160.0) -> list[tuple[int, int]]:
    """Points evenly around a circle, the first at the top: where the related-records graph
    draws a record's neighbours around it."""
    return [
        (
            round(centre + radius * math.sin(2 * math.pi * i / count)),
            round(centre - radius * math.cos(2 * math.pi * i / count)),
        )
        for i in range(count)
    ]

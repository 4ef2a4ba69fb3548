"""How values read on the pages: a golden record's name, a value of any JSON shape."""

from __future__ import annotations

import json
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

"""Strong identifiers: values that, when equal, mean two records are the same thing.

Each becomes a key string `ENTITY|name|normalised value`, stored and indexed beside the source
record so the store can find every golden record that shares one in a single indexed lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from mdm_hub.domain.entity_types import EntityType

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def _tax_id(value: str) -> str:
    # "DE 123.456-789" and "de123456789" are the same registration.
    return _NOT_ALNUM.sub("", value).upper()


def _email(value: str) -> str:
    return value.strip().lower()


def _code(value: str) -> str:
    return value.strip().upper()


Normaliser = Callable[[str], str]

# name -> (attributes combined, normaliser). Several attributes form one key (kind + code).
STRONG_IDENTIFIERS: Mapping[EntityType, Mapping[str, tuple[tuple[str, ...], Normaliser]]] = {
    EntityType.CUSTOMER: {"tax_id": (("tax_id",), _tax_id)},
    EntityType.EMPLOYEE: {
        "email": (("email",), _email),
        "employee_number": (("employee_number",), _code),
    },
    EntityType.PROJECT: {"code": (("code",), _code)},
    EntityType.RATE_CARD: {"code": (("code",), _code)},
    EntityType.ACCOUNTING_DIMENSION: {"kind_code": (("kind", "code"), _code)},
}


def strong_keys(entity_type: EntityType, attributes: Mapping[str, Any]) -> list[str]:
    """Every strong-identifier key of a record, sorted (a fixed lock order for the store)."""
    keys = []
    for name, (parts, normalise) in STRONG_IDENTIFIERS[entity_type].items():
        values = [attributes.get(part) for part in parts]
        if not all(isinstance(v, str) for v in values):
            continue
        normalised = [normalise(str(v)) for v in values]
        if all(normalised):
            keys.append(f"{entity_type}|{name}|{':'.join(normalised)}")
    return sorted(keys)

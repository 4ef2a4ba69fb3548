"""Turn a record's attributes into what matching compares: standardised values and keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jellyfish

from mdm_hub.matching.rules import BlockingRule, KeyPart, MatchRules, Transform
from mdm_hub.matching.standardise import COUNTRY_AWARE, STANDARDISERS, country


@dataclass(frozen=True)
class PreparedRecord:
    """Standardised comparison values (by comparison label, "" when missing), the record's
    strong-identifier values (by name) and every key it is stored and found under."""

    values: Mapping[str, str]
    strong: Mapping[str, str]
    keys: tuple[str, ...]

    @property
    def strong_keys(self) -> tuple[str, ...]:
        return tuple(k for k in self.keys if k.startswith(STRONG_PREFIX))


STRONG_PREFIX = "S|"
BLOCKING_PREFIX = "B|"


def standardise(name: str, raw: Any, record_country: str | None) -> str:
    if raw is None or isinstance(raw, dict | list):
        return ""
    value = str(raw)
    if name in COUNTRY_AWARE:
        return COUNTRY_AWARE[name](value, record_country)
    return STANDARDISERS[name](value)


def _record_country(attributes: Mapping[str, Any]) -> str | None:
    raw = attributes.get("country")
    return (country(raw) or None) if isinstance(raw, str) else None


def _transform(value: str, transform: Transform) -> str:
    if not value:
        return ""
    match transform:
        case Transform.VALUE:
            return value
        case Transform.FIRST_TOKEN:
            return value.split(maxsplit=1)[0]
        case Transform.PREFIX3:
            return value.replace(" ", "")[:3]
        case Transform.SOUNDEX:
            return jellyfish.soundex(value.replace(" ", ""))
        case Transform.METAPHONE:
            return jellyfish.metaphone(value)
        case Transform.YEAR:
            return value[:4]
        case Transform.SORTED_TOKENS:
            return " ".join(sorted(value.split()))


def _key_value(
    parts: list[KeyPart], attributes: Mapping[str, Any], cc: str | None, unordered: bool = False
) -> str:
    pieces = []
    for part in parts:
        piece = _transform(
            standardise(part.standardiser, attributes.get(part.attribute), cc), part.transform
        )
        if not piece:
            return ""  # a key with a missing part would lump unrelated records together
        pieces.append(piece)
    return "\x1f".join(sorted(pieces) if unordered else pieces)


def prepare(
    rules: MatchRules, attributes: Mapping[str, Any], with_keys: bool = True
) -> PreparedRecord:
    """Standardise a record for comparison; `with_keys` also derives its lookup keys (only the
    incoming record needs them, not the candidates it is compared with)."""
    spec = rules.rules
    cc = _record_country(attributes)
    values = {
        c.label: " ".join(
            v
            for v in (standardise(c.standardiser, attributes.get(a), cc) for a in c.attributes)
            if v
        )
        for c in spec.comparisons
    }
    strong = {rule.name: _key_value(rule.parts, attributes, cc) for rule in spec.strong_identifiers}
    keys: list[str] = []
    if with_keys:
        keys = [
            f"{STRONG_PREFIX}{spec.entity_type}|{name}|{value}"
            for name, value in strong.items()
            if value
        ]
        keys += _blocking_keys(spec.blocking, spec.entity_type, attributes, cc)
    return PreparedRecord(values, {k: v for k, v in strong.items() if v}, tuple(sorted(set(keys))))


def _blocking_keys(
    rules: list[BlockingRule], entity_type: str, attributes: Mapping[str, Any], cc: str | None
) -> list[str]:
    keys = []
    for rule in rules:
        value = _key_value(rule.parts, attributes, cc, rule.unordered)
        if value:
            keys.append(f"{BLOCKING_PREFIX}{entity_type}|{rule.name}|{value}")
    return keys

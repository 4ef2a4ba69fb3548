"""Turn a record's attributes into what matching compares: standardised values and keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jellyfish

from mdm_hub.matching.rules import BlockingRule, KeyPart, MatchRules, Transform
from mdm_hub.matching.standardise import COUNTRY_AWARE, STANDARDISERS, VALIDATORS, country


@dataclass(frozen=True)
class PreparedRecord:
    """Standardised comparison values (by comparison label, "" when missing), the record's
    strong-identifier values (by name), the names of those whose value fails its check (a
    tax ID with a wrong check digit) and every key the record is stored and found under."""

    values: Mapping[str, str]
    strong: Mapping[str, str]
    keys: tuple[str, ...]
    unverified: frozenset[str] = frozenset()

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


class _Standardised:
    """One record's standardised attributes, each worked out once: the comparisons and the
    many keys built from the same few attributes share them."""

    def __init__(self, attributes: Mapping[str, Any]) -> None:
        self._attributes = attributes
        self._country = _record_country(attributes)
        self._done: dict[tuple[str, str], str] = {}
        self._pieces: dict[tuple[str, str, Transform], str] = {}

    def get(self, standardiser: str, attribute: str) -> str:
        found = self._done.get((standardiser, attribute))
        if found is None:
            raw = self._attributes.get(attribute)
            found = standardise(standardiser, raw, self._country)
            self._done[(standardiser, attribute)] = found
        return found

    def piece(self, part: KeyPart) -> str:
        """A key part's value: the standardised attribute, transformed."""
        found = self._pieces.get((part.standardiser, part.attribute, part.transform))
        if found is None:
            found = _transform(self.get(part.standardiser, part.attribute), part.transform)
            self._pieces[(part.standardiser, part.attribute, part.transform)] = found
        return found

    def fails_check(self, parts: list[KeyPart]) -> bool:
        """Whether a part's raw value fails its standardiser's check (where it has one)."""
        for part in parts:
            validator = VALIDATORS.get(part.standardiser)
            raw = self._attributes.get(part.attribute)
            if validator and isinstance(raw, str) and validator(raw, self._country) is False:
                return True
        return False


def _key_value(parts: list[KeyPart], values: _Standardised, unordered: bool = False) -> str:
    pieces = []
    for part in parts:
        piece = values.piece(part)
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
    standardised = _Standardised(attributes)
    values = {
        c.label: " ".join(
            v for v in (standardised.get(c.standardiser, a) for a in c.attributes) if v
        )
        for c in spec.comparisons
    }
    strong: dict[str, str] = {}
    unverified: set[str] = set()
    for rule in spec.strong_identifiers:
        value = _key_value(rule.parts, standardised)
        if value:
            strong[rule.name] = value
            if standardised.fails_check(rule.parts):
                unverified.add(rule.name)
    keys: list[str] = []
    if with_keys:
        keys = [
            f"{STRONG_PREFIX}{spec.entity_type}|{name}|{value}" for name, value in strong.items()
        ]
        keys += _blocking_keys(spec.blocking, spec.entity_type, standardised)
    return PreparedRecord(values, strong, tuple(sorted(set(keys))), frozenset(unverified))


def _blocking_keys(
    rules: list[BlockingRule], entity_type: str, standardised: _Standardised
) -> list[str]:
    keys = []
    for rule in rules:
        value = _key_value(rule.parts, standardised, rule.unordered)
        if value:
            keys.append(f"{BLOCKING_PREFIX}{entity_type}|{rule.name}|{value}")
    return keys

"""A whole record's attributes standardised with its system's locale, keeping what was sent.

Which standardiser an attribute gets is read from the entity type's attribute model (a
`Country` is a country, a `date` a date, ...), so a new attribute needs no change here.
Unknown attributes and references pass as they are: strict validation, which runs on the
result, names them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache, partial
from typing import Annotated, Any, NamedTuple, get_args, get_origin

from mdm_hub.domain.attributes import ATTRIBUTE_MODELS, Country, Currency, JsonAttributes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import Locale, SourceSystem
from mdm_hub.standardise.booleans import boolean
from mdm_hub.standardise.codes import CodeMapper, UnmappedCode
from mdm_hub.standardise.countries import country
from mdm_hub.standardise.currencies import currency
from mdm_hub.standardise.dates import iso_date
from mdm_hub.standardise.decimals import decimal
from mdm_hub.standardise.enums import enum_name
from mdm_hub.standardise.outcome import Unreadable, quoted
from mdm_hub.standardise.text import text

# raw value -> canonical value, None (absent) or Unreadable.
Reader = Callable[[Any], Any]


class ValueProblem(NamedTuple):
    """An attribute whose value cannot be read: which, the value as sent, why."""

    field: str
    value: Any
    reason: str


class Standardised(NamedTuple):
    """A record's canonical attributes (for strict validation), what was sent for each one
    that changed, the values that cannot be read, and codes its system's mapping lacks."""

    attributes: JsonAttributes
    sent: dict[str, Any]
    problems: tuple[ValueProblem, ...] = ()
    unmapped: tuple[UnmappedCode, ...] = ()


def standardise_record(
    entity_type: EntityType,
    raw_attributes: Mapping[str, Any],
    system: SourceSystem,
    codes: CodeMapper | None = None,
) -> Standardised:
    readers = attribute_readers(entity_type, system.locale)
    attributes: JsonAttributes = {}
    sent: dict[str, Any] = {}
    problems: list[ValueProblem] = []
    unmapped: list[UnmappedCode] = []
    for name, raw in raw_attributes.items():
        read = readers.get(name)
        if raw is None or read is None:
            attributes[name] = raw  # null is absent; the unknown is validation's to name
            continue
        value = raw
        code_set = codes.code_set(entity_type, name) if codes is not None else None
        if code_set is not None and codes is not None and type(raw) is str and raw.strip():
            found = codes.lookup(code_set, system.code, raw.strip())
            if found.unmapped:
                value = found.value if found.value is not None else raw.strip()
                unmapped.append(UnmappedCode(system.code, entity_type, name, code_set, value))
            elif found.value is None:
                reason = found.problem or f"not a known code of {code_set}"
                problems.append(ValueProblem(name, raw, f"{quoted(raw)}: {reason}"))
                continue
            else:
                value = found.value
        canonical = read(value)
        if canonical is raw:  # already canonical: most values, so asked first
            attributes[name] = raw
            continue
        if type(canonical) is Unreadable:
            if type(raw) is not str or raw.strip():
                problems.append(ValueProblem(name, raw, canonical.reason))
                continue
            canonical = None  # an empty cell is an absent value, whatever its kind
        if type(canonical) is type(raw) and canonical == raw:
            attributes[name] = raw
            continue
        sent[name] = raw
        if canonical is not None:
            attributes[name] = canonical
    return Standardised(attributes, sent, tuple(problems), tuple(unmapped))


@cache
def attribute_readers(entity_type: EntityType, locale: Locale) -> dict[str, Reader]:
    """Each attribute's standardiser for a system of `locale`, from the attribute model's
    annotations (one lookup and one call per value on the ingest path)."""
    readers = {}
    for name, field in ATTRIBUTE_MODELS[entity_type].model_fields.items():
        reader = _reader(field.annotation, locale)
        if reader is not None:
            readers[name] = reader
    return readers


def _reader(annotation: Any, locale: Locale) -> Reader | None:
    inner = next(a for a in (get_args(annotation) or (annotation,)) if a is not type(None))
    if inner == Country:
        return country
    if inner == Currency:
        return currency
    base = get_args(inner)[0] if get_origin(inner) is Annotated else inner
    if base is date:
        return partial(iso_date, order=locale.date_order)
    if base is Decimal:
        return partial(decimal, separator=locale.decimal_separator)
    if base is bool:
        return boolean
    if isinstance(base, type) and issubclass(base, StrEnum):
        return partial(enum_name, enum=base)
    if base is str:
        return text
    return None  # references: validated as they are

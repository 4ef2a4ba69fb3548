"""A whole record's attributes standardised with its system's locale, keeping what was sent.

Which standardiser an attribute gets is read from the entity type's attribute model (a
`Country` is a country, a `date` a date, ...), so a new attribute needs no change here.
Unknown attributes and references pass as they are: strict validation, which runs on the
result, names them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache, partial
from typing import Annotated, Any, NamedTuple, get_args, get_origin

from mdm_hub.domain.attributes import ATTRIBUTE_MODELS, Country, Currency, JsonAttributes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import DateOrder, SourceSystem
from mdm_hub.standardise.booleans import boolean
from mdm_hub.standardise.codes import CodeMapper, UnmappedCode
from mdm_hub.standardise.countries import country
from mdm_hub.standardise.currencies import currency
from mdm_hub.standardise.dates import iso_date
from mdm_hub.standardise.decimals import Separator, decimal
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
    raw_attributes: JsonAttributes,
    system: SourceSystem,
    codes: CodeMapper | None = None,
) -> Standardised:
    locale = system.locale
    readers = attribute_readers(entity_type, locale.date_order, locale.decimal_separator)
    # Copied at the first value that changes: most records arrive canonical, and then their
    # attributes are passed on as they are. Nulls are absent and unknown attributes are
    # validation's to name: both are left in place.
    attributes = raw_attributes
    sent: dict[str, Any] = {}
    problems: list[ValueProblem] = []
    unmapped: list[UnmappedCode] = []
    for name, raw in raw_attributes.items():
        read = readers.get(name)
        if raw is None or read is None:
            continue
        value = raw
        if codes is not None and type(raw) is str and raw.strip():
            value = _mapped(codes, system.code, entity_type, name, raw.strip(), unmapped)
        canonical: Any
        # Text, the commonest kind, is read here: a call per value shows on the ingest path.
        if read is text and type(value) is str:
            canonical = value.strip() or None
        else:
            canonical = value if type(value) is Unreadable else read(value)
        if canonical is raw:  # already canonical (str.strip() answers the very same object)
            continue
        if type(canonical) is Unreadable and (type(raw) is not str or raw.strip()):
            problems.append(ValueProblem(name, raw, canonical.reason))
        elif type(canonical) is type(raw) and canonical == raw:
            continue
        else:
            sent[name] = raw
        if attributes is raw_attributes:
            attributes = dict(raw_attributes)
        if canonical is None or type(canonical) is Unreadable:
            del attributes[name]  # absent (an empty cell), or refused: named in `problems`
        else:
            attributes[name] = canonical
    return Standardised(
        attributes, sent, tuple(problems) if problems else (), tuple(unmapped) if unmapped else ()
    )


def _mapped(
    codes: CodeMapper,
    system: str,
    entity_type: EntityType,
    name: str,
    value: str,
    unmapped: list[UnmappedCode],
) -> Any:
    """A coded attribute's value through the system's code mapping: the canonical code, the
    value kept as sent (noted in `unmapped`), or Unreadable; not a coded attribute: as is."""
    code_set = codes.code_set(entity_type, name)
    if code_set is None:
        return value
    found = codes.lookup(code_set, system, value)
    if found.unmapped:
        kept = found.value if found.value is not None else value
        unmapped.append(UnmappedCode(system, entity_type, name, code_set, kept))
        return kept
    if found.value is None:
        return Unreadable(f"{quoted(value)}: {found.problem or f'not a known {code_set} code'}")
    return found.value


@cache
def attribute_readers(
    entity_type: EntityType, date_order: DateOrder, decimal_separator: Separator
) -> dict[str, Reader]:
    """Each attribute's standardiser for a system of this locale, from the attribute model's
    annotations. (Keyed by the locale's values: hashing a Locale costs more than reading.)"""
    readers = {}
    for name, field in ATTRIBUTE_MODELS[entity_type].model_fields.items():
        reader = _reader(field.annotation, date_order, decimal_separator)
        if reader is not None:
            readers[name] = reader
    return readers


def _reader(annotation: Any, date_order: DateOrder, separator: Separator) -> Reader | None:
    inner = next(a for a in (get_args(annotation) or (annotation,)) if a is not type(None))
    if inner == Country:
        return country
    if inner == Currency:
        return currency
    base = get_args(inner)[0] if get_origin(inner) is Annotated else inner
    if base is date:
        return lambda raw: iso_date(raw, date_order)
    if base is Decimal:
        return lambda raw: decimal(raw, separator)
    if base is bool:
        return boolean
    if isinstance(base, type) and issubclass(base, StrEnum):
        return partial(enum_name, enum=base)
    if base is str:
        return text
    return None  # references: validated as they are

"""Canonical attributes of each entity type, validated strictly.

Values arrive as JSON. Strict JSON validation means a number is never silently read as a string
(or the other way round), dates must be ISO `YYYY-MM-DD`, and an unknown key is an error that
names it. Validated attributes are stored exactly as given, minus explicit nulls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, get_args, get_origin

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.numbers import integer_problem
from mdm_hub.domain.text import (
    check_encodable,
    check_identifier_text,
    check_no_control_characters,
    has_surrogate,
    printable,
)
from mdm_hub.errors import Problem

# Bounds that stop a runaway value (a pasted document, a 10 kB name) at the door.
SHORT_TEXT_MAX = 256
LONG_TEXT_MAX = 1024
SOURCE_ID_MAX = 256
SYSTEM_CODE_MAX = 64


def _iso_country(value: str) -> str:
    if pycountry.countries.get(alpha_2=value) is None or value != value.upper():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'US', 'DE')")
    return value


def _iso_currency(value: str) -> str:
    if pycountry.currencies.get(alpha_3=value) is None or value != value.upper():
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. 'USD', 'EUR')")
    return value


ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX),
    AfterValidator(check_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=LONG_TEXT_MAX),
    AfterValidator(check_no_control_characters),
]
Country = Annotated[str, AfterValidator(_iso_country)]
Currency = Annotated[str, AfterValidator(_iso_currency)]
SourceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SOURCE_ID_MAX),
    AfterValidator(check_identifier_text),
]
SystemCode = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=SYSTEM_CODE_MAX, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    ),
]


class Reference(BaseModel):
    """A pointer to another source record, in the referring system's terms."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    system: SystemCode
    source_id: SourceId = Field(alias="sourceId")


class BillingMethod(StrEnum):
    FIXED_FEE = "FIXED_FEE"
    TIME_AND_MATERIALS = "TIME_AND_MATERIALS"
    RETAINER = "RETAINER"
    MILESTONE = "MILESTONE"


class RateUnit(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"


class DimensionKind(StrEnum):
    COST_CENTER = "COST_CENTER"
    GL_ACCOUNT = "GL_ACCOUNT"
    LEGAL_ENTITY = "LEGAL_ENTITY"
    DEPARTMENT = "DEPARTMENT"
    SERVICE_LINE = "SERVICE_LINE"
    REGION = "REGION"


class _Attributes(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Address(_Attributes):
    address_line1: LongText | None = None
    address_line2: LongText | None = None
    city: ShortText | None = None
    postal_code: ShortText | None = None
    region: ShortText | None = None
    country: Country | None = None


class CustomerAttributes(_Address):
    name: ShortText | None = None
    legal_name: ShortText | None = None
    tax_id: ShortText | None = None
    website: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    currency: Currency | None = None
    industry: ShortText | None = None
    status: ShortText | None = None
    parent: Reference | None = None


class EmployeeAttributes(_Address):
    employee_number: ShortText | None = None
    given_name: ShortText | None = None
    middle_name: ShortText | None = None
    family_name: ShortText | None = None
    email: ShortText | None = None
    phone: ShortText | None = None
    birth_date: date | None = None
    job_title: ShortText | None = None
    hire_date: date | None = None
    termination_date: date | None = None
    location: ShortText | None = None
    status: ShortText | None = None
    manager: Reference | None = None
    cost_center: Reference | None = None
    legal_entity: Reference | None = None


class ProjectAttributes(_Attributes):
    code: ShortText | None = None
    name: ShortText | None = None
    customer: Reference | None = None
    billing_method: BillingMethod | None = None
    currency: Currency | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: ShortText | None = None
    project_manager: Reference | None = None


class RateCardAttributes(_Attributes):
    code: ShortText | None = None
    name: ShortText | None = None
    role: ShortText | None = None
    currency: Currency | None = None
    rate: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)] | None = None
    unit: RateUnit | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    customer: Reference | None = None
    project: Reference | None = None


class AccountingDimensionAttributes(_Attributes):
    kind: DimensionKind | None = None
    code: ShortText | None = None
    name: ShortText | None = None
    currency: Currency | None = None
    status: ShortText | None = None
    parent: Reference | None = None


ATTRIBUTE_MODELS: dict[EntityType, type[_Attributes]] = {
    EntityType.CUSTOMER: CustomerAttributes,
    EntityType.EMPLOYEE: EmployeeAttributes,
    EntityType.PROJECT: ProjectAttributes,
    EntityType.RATE_CARD: RateCardAttributes,
    EntityType.ACCOUNTING_DIMENSION: AccountingDimensionAttributes,
}

JsonAttributes = dict[str, Any]


def validate_attributes(entity_type: EntityType, raw: object) -> JsonAttributes:
    """Check `raw` against the entity type's canonical attributes; return the JSON form.

    Raises AttributeProblems listing every problem found, each naming its field.
    """
    if not isinstance(raw, dict):
        raise AttributeProblems([Problem("attributes", "must be a JSON object")])
    model = ATTRIBUTE_MODELS[entity_type]
    unstorable = [] if _plainly_storable(raw) else _unstorable(raw, "attributes")
    if unstorable:
        raise AttributeProblems(unstorable)
    try:
        parsed = model.model_validate_json(json.dumps(raw))
    except ValidationError as exc:
        raise AttributeProblems(_problems(exc)) from None
    return parsed.model_dump(mode="json", exclude_none=True, by_alias=True)


def _plainly_storable(raw: dict[Any, Any]) -> bool:
    """Whether `raw` is the usual record: text names and text (or absent) values, none with a
    lone surrogate. Settled in one scan; anything else is checked value by value, by
    `_unstorable`, which names each problem."""
    texts: list[str] = []
    for name, value in raw.items():
        if type(name) is not str or (type(value) is not str and value is not None):
            return False
        texts.append(name)
        if value is not None:
            texts.append(value)
    return not has_surrogate("".join(texts))


def _unstorable(value: object, path: str) -> list[Problem]:
    """A problem for each name or text holding a lone surrogate, and each integer outside
    64 bits, by its field: neither can be stored, so they are refused before anything else
    is read."""
    problems = []
    too_large = integer_problem(value)
    if too_large is not None:
        problems.append(Problem(printable(path), too_large))
    elif isinstance(value, str):
        try:
            check_encodable(value)
        except ValueError as exc:
            problems.append(Problem(printable(path), str(exc)))
    elif isinstance(value, dict):
        for key, inner in value.items():
            problems.extend(_unstorable(key, f"{path}.{key}"))
            problems.extend(_unstorable(inner, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            problems.extend(_unstorable(inner, f"{path}.{index}"))
    return problems


# What a record of each type is called: the words other records' names repeat when they name
# it (a project "Northwind Holdings : Finance Transformation" names its customer).
NAME_ATTRIBUTES: Mapping[EntityType, tuple[str, ...]] = {
    EntityType.CUSTOMER: ("name",),
    EntityType.EMPLOYEE: ("given_name", "family_name"),
    EntityType.PROJECT: ("name",),
    EntityType.RATE_CARD: ("name",),
    EntityType.ACCOUNTING_DIMENSION: ("name",),
}


def attribute_names(entity_type: EntityType) -> list[str]:
    return list(ATTRIBUTE_MODELS[entity_type].model_fields)


class AttributeKind(StrEnum):
    """What a value is, as far as comparing values goes (survivorship's max, min, longest)."""

    TEXT = "text"  # free text and codes (enums, ISO codes)
    DATE = "date"  # ISO YYYY-MM-DD, which sorts as text in date order
    NUMBER = "number"  # decimals, stored as JSON text ("12.50") or numbers
    REFERENCE = "reference"  # {"system": ..., "sourceId": ...}


def attribute_kinds(entity_type: EntityType) -> dict[str, AttributeKind]:
    """Each canonical attribute's kind, read from the attribute model itself."""
    return {
        name: _kind(field.annotation)
        for name, field in ATTRIBUTE_MODELS[entity_type].model_fields.items()
    }


def _kind(annotation: Any) -> AttributeKind:
    # Unwrap `X | None` and `Annotated[X, ...]` down to the value's own type.
    while get_origin(annotation) is not None:
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if annotation is Reference:
        return AttributeKind.REFERENCE
    if annotation is date:
        return AttributeKind.DATE
    if annotation is Decimal:
        return AttributeKind.NUMBER
    return AttributeKind.TEXT


class AttributeProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _problems(exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        path = printable(".".join(str(part) for part in ("attributes", *error["loc"])))
        problems.append(Problem(path, pydantic_reason(error)))
    return problems


def pydantic_reason(error: ErrorDetails) -> str:
    """pydantic's message, without its 'Value error, ' prefix, in our words where clearer."""
    if error["type"] == "extra_forbidden":
        return "unknown attribute"
    return error["msg"].removeprefix("Value error, ")

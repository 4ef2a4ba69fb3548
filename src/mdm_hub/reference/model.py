"""A code set file as written, and the checks pydantic cannot make alone.

One file per code set: its canonical codes, the attributes whose values it governs, what
happens to a value no mapping knows (`queue` or `refuse`), and per system, per kind of system
or for `any` system, which source spellings mean which code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
)

from mdm_hub.domain.attributes import (
    ATTRIBUTE_MODELS,
    SHORT_TEXT_MAX,
    AttributeKind,
    attribute_kinds,
)
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import SystemKind, SystemRegistry
from mdm_hub.domain.text import check_no_control_characters
from mdm_hub.errors import Problem

# The mappings key for spellings every system may send.
ANY = "any"


def fold(value: str) -> str:
    """How source spellings are compared: case-insensitively, surrounding spaces ignored."""
    return value.strip().casefold()


class UnmappedPolicy(StrEnum):
    QUEUE = "queue"  # keep the value as sent (trimmed) and count it for the stewards
    REFUSE = "refuse"  # reject the record, naming the known codes


def _source_code(value: object) -> object:
    # Status codes such as 1 and 0 are plainly meant as text (booleans: see CodeSetFile).
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _trimmed(code: str) -> str:
    if code != code.strip():
        raise ValueError(f"{code!r} has surrounding spaces; a code is written without them")
    return check_no_control_characters(code)


Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX),
    AfterValidator(_trimmed),
]
SourceCode = Annotated[
    str,
    BeforeValidator(_source_code),
    StringConstraints(min_length=1, max_length=SHORT_TEXT_MAX),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppliesTo(_Model):
    entity_type: EntityType
    attribute: str = Field(min_length=1)


class CodeSetFile(_Model):
    """One code set file, after YAML parsing."""

    code_set: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    version: StrictInt = Field(ge=1)
    description: str | None = None
    applies_to: tuple[AppliesTo, ...] = Field(min_length=1)
    codes: tuple[Code, ...] = Field(min_length=1)
    unmapped: UnmappedPolicy = UnmappedPolicy.QUEUE
    mappings: dict[str, dict[SourceCode, Code]] = Field(default_factory=dict)

    @field_validator("mappings", mode="before")
    @classmethod
    def _no_boolean_spellings(cls, mappings: object) -> object:
        # YAML reads unquoted yes, no, on, off as booleans: the spelling as written is lost
        # (and a `True` would never match), so say which mapping and how to fix it.
        if isinstance(mappings, dict):
            for key, mapping in mappings.items():
                if isinstance(mapping, dict) and any(isinstance(s, bool) for s in mapping):
                    raise ValueError(
                        f"{key}: YAML reads an unquoted yes, no, on, off, true or false as "
                        "true/false, not as a spelling: quote it (e.g. 'yes')"
                    )
        return mappings


def attribute_enum(entity_type: EntityType, attribute: str) -> type[StrEnum] | None:
    """The enum an attribute's values must belong to (BillingMethod, ...), if any."""
    field = ATTRIBUTE_MODELS[entity_type].model_fields.get(attribute)
    annotation: Any = field.annotation if field is not None else None
    while get_origin(annotation) is not None:  # unwrap `X | None` and `Annotated[X, ...]`
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    return None


def code_set_problems(file: CodeSetFile, systems: SystemRegistry) -> list[Problem]:
    """Everything wrong with a parsed file on its own (other files are checked by the loader)."""
    return [
        *_applies_to_problems(file),
        *_code_problems(file),
        *_enum_problems(file),
        *_mapping_problems(file, systems),
    ]


def _applies_to_problems(file: CodeSetFile) -> list[Problem]:
    problems = []
    seen: set[tuple[EntityType, str]] = set()
    for index, target in enumerate(file.applies_to):
        where = f"applies_to[{index}].attribute"
        kinds = attribute_kinds(target.entity_type)
        if target.attribute not in kinds:
            known = ", ".join(sorted(kinds))
            problems.append(
                Problem(
                    where,
                    f"{target.attribute!r} is not a {target.entity_type} attribute; "
                    f"known attributes: {known}",
                )
            )
        elif kinds[target.attribute] is not AttributeKind.TEXT:
            problems.append(
                Problem(where, f"{target.attribute!r} holds {kinds[target.attribute]}s, not codes")
            )
        if (target.entity_type, target.attribute) in seen:
            problems.append(Problem(where, "listed twice"))
        seen.add((target.entity_type, target.attribute))
    return problems


def _code_problems(file: CodeSetFile) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for index, code in enumerate(file.codes):
        earlier = seen.get(fold(code))
        if earlier is not None:
            problems.append(
                Problem(
                    f"codes[{index}]", f"{code!r} repeats {earlier!r} (codes match in any case)"
                )
            )
        seen.setdefault(fold(code), code)
    return problems


def _enum_problems(file: CodeSetFile) -> list[Problem]:
    """An enum-typed attribute accepts its members only: the code set must be exactly those,
    and a value no mapping knows cannot be kept, so it must be refused."""
    problems = []
    for index, target in enumerate(file.applies_to):
        enum = attribute_enum(target.entity_type, target.attribute)
        if enum is None:
            continue
        members = [str(member) for member in enum]
        if set(file.codes) != set(members):
            missing = ", ".join(m for m in members if m not in file.codes) or "none"
            extra = ", ".join(c for c in file.codes if c not in members) or "none"
            problems.append(
                Problem(
                    "codes",
                    f"must be exactly the values {target.entity_type}.{target.attribute} "
                    f"accepts ({', '.join(members)}); missing: {missing}; not accepted: {extra}",
                )
            )
        if file.unmapped is not UnmappedPolicy.REFUSE:
            problems.append(
                Problem(
                    "unmapped",
                    f"must be refuse: applies_to[{index}] {target.entity_type}."
                    f"{target.attribute} accepts only its codes, so an unknown value cannot "
                    "be kept",
                )
            )
    return problems


def _mapping_problems(file: CodeSetFile, systems: SystemRegistry) -> list[Problem]:
    problems = []
    codes = ", ".join(file.codes)
    canonical = {fold(code): code for code in file.codes}
    for key, mapping in file.mappings.items():
        if key != ANY and key not in SystemKind.__members__ and key not in systems:
            problems.append(
                Problem(
                    f"mappings.{key}",
                    f"{key!r} is neither a system declared in {systems.origin} nor a kind "
                    f"({', '.join(SystemKind.__members__)}) nor `{ANY}`",
                )
            )
        seen: dict[str, str] = {}
        for source, target in mapping.items():
            where = f"mappings.{key}.{source}"
            if target not in file.codes:
                problems.append(
                    Problem(
                        where, f"maps to {target!r}, not a {file.code_set} code; codes: {codes}"
                    )
                )
            folded = fold(source)
            if not folded:
                problems.append(Problem(where, "is blank"))
            elif folded in seen:
                problems.append(
                    Problem(
                        where,
                        f"mapped twice ({seen[folded]!r} and {source!r}: spellings match in any "
                        "case, surrounding spaces ignored)",
                    )
                )
            seen.setdefault(folded, source)
            itself = canonical.get(folded)
            if itself is not None and itself != target:
                problems.append(
                    Problem(
                        where, f"{source!r} is the code {itself!r}, which always maps to itself"
                    )
                )
    return problems

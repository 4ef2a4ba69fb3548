"""A validated mapping file compiled into transforms, checked against the entity type's
attributes and the declared systems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from mdm_hub.domain.attributes import AttributeKind, attribute_kinds
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import DEFAULT_LOCALE, Locale, SystemRegistry
from mdm_hub.errors import MappingFileError, Problem
from mdm_hub.onboarding.mappings import transforms as t
from mdm_hub.onboarding.mappings.model import Condition, CsvOptions, MappingFile, TransformSpec


@dataclass(frozen=True)
class ExportMapping:
    """How one export of one system becomes source records."""

    label: str  # where it was read from, for messages
    sha256: str  # of the file's text: a checkpoint is only good for the same mapping
    system: str
    entity_type: EntityType
    object: str
    format: str | None
    csv: CsvOptions
    source_id: t.Transform
    attributes: dict[str, t.Transform]
    observed_at: t.Transform | None = None
    deleted: t.Transform | None = None
    skip_if: tuple[t.Test, ...] = ()
    locale: Locale = DEFAULT_LOCALE  # the system's: how it writes dates (observed_at)
    # Each field's columns ("attributes.name": {"Company Name"}), for the header check.
    columns: dict[str, frozenset[str]] = field(default_factory=dict)


def compile_mapping(
    spec: MappingFile, label: str, sha256: str, systems: SystemRegistry
) -> ExportMapping:
    """Compile `spec`; raise MappingFileError listing every problem, each by field."""
    compiler = _Compiler(spec.system)
    problems = _system_problems(spec, systems)
    kinds = attribute_kinds(spec.entity_type)
    attributes: dict[str, t.Transform] = {}
    for name, attribute in spec.attributes.items():
        where = f"attributes.{name}"
        if name not in kinds:
            problems.append(
                Problem(
                    where,
                    f"not an attribute of {spec.entity_type}; its attributes: {', '.join(kinds)}",
                )
            )
            continue
        attributes[name] = compiler.transform(attribute, where)
        gives_reference = _outputs(attribute) == {"reference"}
        if kinds[name] is AttributeKind.REFERENCE and not gives_reference:
            problems.append(Problem(where, "is a reference: map it with `reference`"))
        elif kinds[name] is not AttributeKind.REFERENCE and "reference" in _outputs(attribute):
            problems.append(Problem(where, "is not a reference: `reference` does not fit it"))
    source_id = compiler.transform(spec.source_id, "source_id")
    observed_at = _optional(compiler, spec.observed_at, "observed_at")
    deleted = _optional(compiler, spec.deleted, "deleted")
    skip_if = tuple(compiler.test(condition, "skip_if") for condition in spec.skip_if)
    for where, key in (
        ("source_id", spec.source_id),
        ("observed_at", spec.observed_at),
        ("deleted", spec.deleted),
    ):
        if key is not None and "reference" in _outputs(key):
            problems.append(Problem(where, "`reference` does not fit here"))
    for system_code, where in compiler.referenced_systems:
        if system_code not in systems:
            problems.append(Problem(where, _undeclared(system_code, systems)))
    problems.extend(compiler.problems)
    if problems:
        raise MappingFileError(label, problems)
    declared = systems.get(spec.system)
    return ExportMapping(
        label=label,
        sha256=sha256,
        system=spec.system,
        entity_type=spec.entity_type,
        object=spec.object,
        format=spec.format,
        csv=spec.csv,
        source_id=source_id,
        attributes=attributes,
        observed_at=observed_at,
        deleted=deleted,
        skip_if=skip_if,
        locale=declared.locale if declared is not None else DEFAULT_LOCALE,
        columns=compiler.columns,
    )


def _system_problems(spec: MappingFile, systems: SystemRegistry) -> list[Problem]:
    system = systems.get(spec.system)
    if system is None:
        return [Problem("system", _undeclared(spec.system, systems))]
    if not system.sends(spec.entity_type):
        sends = ", ".join(system.entity_types)
        return [
            Problem(
                "entity_type",
                f"{spec.system} does not send {spec.entity_type} (it sends {sends}; "
                f"see {systems.origin})",
            )
        ]
    return []


def _undeclared(code: str, systems: SystemRegistry) -> str:
    return f"system {code!r} is not declared in {systems.origin} (declared: " + (
        ", ".join(systems.codes()) + ")"
    )


def _optional(compiler: _Compiler, spec: TransformSpec | None, where: str) -> t.Transform | None:
    return compiler.transform(spec, where) if spec is not None else None


def _outputs(spec: TransformSpec) -> set[str]:
    """What a transform yields: a "reference", a plain "value", or either by branch."""
    if spec.reference is not None:
        return {"reference"}
    if spec.when is not None:
        branches = [clause.then for clause in spec.when]
        branches += [spec.else_] if spec.else_ is not None else []
        return set().union(*(_outputs(branch) for branch in branches))
    if spec.first_of is not None:
        return set().union(*(_outputs(option) for option in spec.first_of))
    return {"value"}


class _Compiler:
    """Turns specs into transforms, noting the columns each field reads and any problem."""

    def __init__(self, system: str) -> None:
        self.system = system
        self.columns: dict[str, frozenset[str]] = {}
        self.problems: list[Problem] = []
        self.referenced_systems: list[tuple[str, str]] = []

    def transform(self, spec: TransformSpec, field_name: str) -> t.Transform:
        return self._node(spec, field_name, field_name)

    def test(self, condition: Condition, field_name: str) -> t.Test:
        self._column(field_name, condition.column)
        if condition.equals is not None:
            holds = t.equals(str(condition.equals))
        elif condition.in_ is not None:
            holds = t.one_of([str(option) for option in condition.in_])
        elif condition.empty is not None:
            holds = t.empty(condition.empty)
        else:
            holds = t.matches(re.compile(str(condition.matches)))
        return t.Test(condition.column, holds)

    def _column(self, field_name: str, column: str) -> None:
        self.columns[field_name] = self.columns.get(field_name, frozenset()) | {column}

    def _node(self, spec: TransformSpec, where: str, field_name: str) -> t.Transform:
        if spec.system is not None and spec.reference is None:
            self._not_here(f"{where}.system", "only a reference's body names a system")
        node = self._kind(spec, where, field_name)
        if spec.strip_prefix is None and spec.strip_suffix is None and spec.map is None:
            return node
        if spec.reference is not None:
            self._not_here(where, "modifiers go inside the reference's body, on its ID")
        table = {k.casefold(): v for k, v in spec.map.items()} if spec.map is not None else None
        return t.Modified(node, spec.strip_prefix, spec.strip_suffix, table)

    def _kind(self, spec: TransformSpec, where: str, field_name: str) -> t.Transform:
        if spec.column is not None:
            self._column(field_name, spec.column)
            return t.Column(spec.column)
        if spec.value is not None:
            return t.Constant(spec.value)
        if spec.concat is not None:
            parts = tuple(self._parts(spec.concat, f"{where}.concat", field_name))
            return t.Concat(parts)
        if spec.split is not None:
            self._column(field_name, spec.split.column)
            return t.Split(spec.split.column, spec.split.separator, spec.split.index)
        if spec.split_name is not None:
            self._column(field_name, spec.split_name.column)
            return t.SplitName(spec.split_name.column, spec.split_name.part)
        if spec.first_of is not None:
            return t.FirstOf(
                tuple(
                    self._node(option, f"{where}.first_of.{index}", field_name)
                    for index, option in enumerate(spec.first_of)
                )
            )
        if spec.when is not None:
            clauses = tuple(
                (
                    self.test(clause, field_name),
                    self._node(clause.then, f"{where}.when.{index}.then", field_name),
                )
                for index, clause in enumerate(spec.when)
            )
            otherwise = self._node(spec.else_, f"{where}.else", field_name) if spec.else_ else None
            return t.When(clauses, otherwise)
        assert spec.reference is not None  # TransformSpec allows exactly one kind
        body = spec.reference
        system = body.system or self.system
        if body.system is not None:
            self.referenced_systems.append((body.system, f"{where}.reference.system"))
        if "reference" in _outputs(body):
            self._not_here(f"{where}.reference", "a reference's ID cannot be a reference")
        inner = body.model_copy(update={"system": None})
        return t.Reference(self._node(inner, f"{where}.reference", field_name), system)

    def _parts(
        self, parts: list[TransformSpec], where: str, field_name: str
    ) -> Iterator[tuple[t.Transform, bool]]:
        for index, part in enumerate(parts):
            if "reference" in _outputs(part):
                self._not_here(f"{where}.{index}", "a reference cannot be joined to text")
            yield self._node(part, f"{where}.{index}", field_name), part.value is not None

    def _not_here(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

"""One row of an export through its mapping: a record to upsert, one to retire, a row left
out (`skip_if`), or a row refused with every problem by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import Problem
from mdm_hub.onboarding.loading.moments import read_moment
from mdm_hub.onboarding.loading.readers import BadRow, Row
from mdm_hub.onboarding.mappings import ExportMapping
from mdm_hub.onboarding.mappings.transforms import TransformError, as_text, is_true, present
from mdm_hub.services.ingest import RawRecord


@dataclass(frozen=True)
class Upsert:
    line: int
    record: RawRecord


@dataclass(frozen=True)
class Retire:
    line: int
    key: SourceKey
    observed_at: datetime | None
    # The row as a record, when its values map: a record the hub never had is loaded from it
    # first, so the ID still resolves (RETIRED) when transactions name it.
    record: RawRecord | None = None


@dataclass(frozen=True)
class Refused:
    line: int
    source_id: str | None
    problems: tuple[Problem, ...]
    row: Any  # as read, for the hub's reject queue


@dataclass(frozen=True)
class Skipped:
    line: int


Mapped = Upsert | Retire | Refused | Skipped


def map_row(mapping: ExportMapping, row: Row | BadRow) -> Mapped:
    if isinstance(row, BadRow):
        return Refused(row.line, None, (Problem("", row.reason),), row.payload())
    cells = row.cells
    problems: list[Problem] = []
    try:
        if any(test(cells) for test in mapping.skip_if):
            return Skipped(row.line)
    except TransformError as exc:
        problems.append(Problem("skip_if", str(exc)))
    source_id = _source_id(mapping, cells, problems)
    observed_at = _observed_at(mapping, cells, problems)
    deleted = False
    if mapping.deleted is not None:
        try:
            deleted = is_true(mapping.deleted(cells))
        except TransformError as exc:
            problems.append(Problem("deleted", str(exc)))
    # A retired record needs no attributes: a bad value in one must not keep it alive.
    attribute_problems: list[Problem] = []
    attributes = _attributes(mapping, cells, attribute_problems)
    if not deleted:
        problems.extend(attribute_problems)
    if problems or source_id is None:
        return Refused(row.line, source_id, tuple(problems), row.payload())
    record = RawRecord(
        mapping.system, mapping.entity_type.value, source_id, attributes, observed_at
    )
    if deleted:
        key = SourceKey(mapping.system, mapping.entity_type, source_id)
        return Retire(row.line, key, observed_at, None if attribute_problems else record)
    return Upsert(row.line, record)


def _source_id(mapping: ExportMapping, cells: Any, problems: list[Problem]) -> str | None:
    try:
        value = present(mapping.source_id(cells))
        if value is None:
            columns = ", ".join(repr(c) for c in sorted(mapping.columns.get("source_id", ())))
            problems.append(Problem("source_id", f"missing (empty: {columns or 'no column'})"))
            return None
        return as_text(value, "the source ID").strip()
    except TransformError as exc:
        problems.append(Problem("source_id", str(exc)))
        return None


def _observed_at(mapping: ExportMapping, cells: Any, problems: list[Problem]) -> datetime | None:
    if mapping.observed_at is None:
        return None
    try:
        value = present(mapping.observed_at(cells))
        return read_moment(value, mapping.locale) if value is not None else None
    except TransformError as exc:
        problems.append(Problem("observed_at", str(exc)))
        return None


def _attributes(mapping: ExportMapping, cells: Any, problems: list[Problem]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for name, transform in mapping.attributes.items():
        try:
            value = transform(cells)
        except TransformError as exc:
            problems.append(Problem(f"attributes.{name}", str(exc)))
            continue
        if value is not None:
            attributes[name] = value
    return attributes

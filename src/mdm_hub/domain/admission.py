"""The door: a raw record is admitted only from a declared system, for an entity type that
system declares; its values are standardised with the system's locale (and its code
mappings), then validated strictly. What was sent for each converted value is kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from mdm_hub.domain.attributes import AttributeProblems, validate_attributes
from mdm_hub.domain.entity_types import ENTITY_TYPES_BY_TEXT, EntityType
from mdm_hub.domain.records import IncomingRecord, SourceKey, key_problems, record_label
from mdm_hub.domain.systems import SourceSystem, SystemRegistry
from mdm_hub.domain.text import printable
from mdm_hub.errors import Problem, RecordRejected
from mdm_hub.standardise.codes import CodeMapper
from mdm_hub.standardise.record import standardise_record


def admit(
    system: object,
    entity_type: object,
    source_id: object,
    attributes: object,
    observed_at: object,
    systems: SystemRegistry,
    codes: CodeMapper | None = None,
) -> IncomingRecord:
    """The record, canonical and validated. Raises RecordRejected listing every problem, by
    field (each unreadable value with the forms that are accepted)."""
    # The label is built only when refusing: it costs more than a good record's checks.
    problems = key_problems(system, entity_type, source_id)
    if problems:
        raise RecordRejected(record_label(system, entity_type, source_id), problems)
    kind = ENTITY_TYPES_BY_TEXT[str(entity_type)]
    declared = _declared(systems, str(system), kind)
    if isinstance(declared, Problem):
        raise RecordRejected(record_label(system, entity_type, source_id), [declared])
    if not isinstance(attributes, dict):
        problem = Problem("attributes", "must be a JSON object")
        raise RecordRejected(record_label(system, entity_type, source_id), [problem])
    standardised = standardise_record(kind, attributes, declared, codes)
    problems = [Problem(f"attributes.{p.field}", p.reason) for p in standardised.problems]
    clean = {}
    try:
        clean = validate_attributes(kind, standardised.attributes)
    except AttributeProblems as exc:
        problems.extend(exc.problems)
    observed = _observed_time(observed_at)
    if isinstance(observed, Problem):
        problems.append(observed)
    if problems:
        raise RecordRejected(record_label(system, entity_type, source_id), problems)
    key = SourceKey(declared.code, kind, str(source_id))
    when = None if isinstance(observed, Problem) else observed
    return IncomingRecord.of(key, clean, when, standardised.sent, standardised.unmapped)


def _observed_time(value: object) -> datetime | Problem | None:
    """When the source changed the record (an ISO 8601 text is read), or why it is not a time."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return Problem("observedAt", f"{printable(str(value)[:64])!r} is not an ISO 8601 date-time")


def _declared(
    systems: SystemRegistry, code: str, entity_type: EntityType
) -> SourceSystem | Problem:
    """The system that may send this record, or why it may not."""
    declared = systems.get(code)
    if declared is None:
        return Problem(
            "system",
            f"system {code!r} is not declared: declare it (code, name, kind) in "
            f"{_file_name(systems)}; `mdm-hub systems` lists the declared systems",
        )
    if not declared.sends(entity_type):
        sends = ", ".join(declared.entity_types)
        return Problem(
            "system",
            f"system {code!r} is declared to send {sends}, not {entity_type}: add "
            f"{entity_type} to its entity_types in {_file_name(systems)}",
        )
    return declared


def _file_name(systems: SystemRegistry) -> str:
    # The file's name only: these reasons reach API clients and the reject queue, which have
    # no business knowing where the hub is installed; the operator knows MDM_SYSTEMS_FILE.
    return f"{PurePath(systems.origin).name} (MDM_SYSTEMS_FILE)"

"""One error root for everything mdm-hub raises on purpose.

    MdmError                      expected failures; the API shows their message and code
    ├── InvalidInput              bad input from a caller; nothing was written
    │   └── RecordRejected        one source record failed validation (carries every problem)
    │       └── RelationshipCycle its references (or a steward's merge) would loop a hierarchy
    ├── NotFound                  a named golden record or source record does not exist
    │   └── SourceNotFound        a named source record the hub never received (carries its key)
    ├── Unauthenticated           no credentials, or credentials that do not prove who one is
    ├── Forbidden                 an authenticated caller's role does not allow the operation
    ├── VersionConflict           a steward acted on a stale version of a golden record;
    │                             carries the version (and survivor) it has now
    ├── ConfigurationError        settings or data files are unusable; the service refuses to start
    │   └── DataFileError         one data file is invalid (carries every problem, by field)
    │       ├── RuleFileError     a survivorship rule file
    │       ├── SystemsFileError  the declared source systems (systems.yaml)
    │       ├── ReferenceFileError a reference data file (a code set and its mappings)
    │       └── MappingFileError  an export mapping file (or an export that does not fit it)
    ├── LoadStopped               a file load could not go on (hub unreachable, file unreadable);
    │                             its checkpoint is kept, so running it again carries on
    └── StoreError                the store could not do what was asked
        ├── StoreUnavailable      the store cannot be reached
        └── AuditHeadMissing      the audit chain's head row is missing or behind its events;
                                  every write is refused until `verify-audit --repair-head`

Anything else is a bug: the API masks it and logs the full trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class MdmError(Exception):
    """Root of every expected mdm-hub failure."""

    code = "INTERNAL"

    def details(self) -> dict[str, Any]:
        """Machine-readable facts the API adds to the error's extensions beside its code."""
        return {}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path) and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class InvalidInput(MdmError):
    code = "BAD_USER_INPUT"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class RecordRejected(InvalidInput):
    """A source record that failed validation; `record_label` says which record it was."""

    def __init__(self, record_label: str, problems: list[Problem]) -> None:
        self.record_label = record_label
        super().__init__(problems)

    def __str__(self) -> str:
        # Built on demand: a batch prefixes the label with the record's index after the fact.
        return f"{self.record_label} rejected: {'; '.join(str(p) for p in self.problems)}"


class NotFound(MdmError):
    code = "NOT_FOUND"


class SourceNotFound(NotFound):
    """A source record named by its key (system, entity type, source ID) that the hub has
    never received; the API adds the key to the error's extensions."""

    def __init__(self, system: str, entity_type: str, source_id: str) -> None:
        self.system = system
        self.entity_type = entity_type
        self.source_id = source_id
        super().__init__(f"source record {system}/{entity_type}/{source_id} does not exist")

    def details(self) -> dict[str, Any]:
        return {
            "source": {
                "system": self.system,
                "entityType": self.entity_type,
                "sourceId": self.source_id,
            }
        }


class Unauthenticated(MdmError):
    code = "UNAUTHENTICATED"


class Forbidden(MdmError):
    code = "FORBIDDEN"


class VersionConflict(MdmError):
    """The golden record changed since the caller read it (optimistic concurrency): the caller
    re-reads it and decides again. `current_id` differs from `golden_id` when the record was
    merged away into that survivor meanwhile."""

    code = "VERSION_CONFLICT"

    def __init__(
        self, golden_id: str, expected: int, current: int, current_id: str | None = None
    ) -> None:
        self.golden_id = golden_id
        self.expected = expected
        self.current = current
        self.current_id = current_id or golden_id
        where = f" (merged into {self.current_id})" if self.current_id != golden_id else ""
        super().__init__(
            f"golden record {golden_id}{where} is at version {current}, not {expected}: "
            "read it again and retry"
        )

    def details(self) -> dict[str, Any]:
        return {
            "goldenId": self.golden_id,
            "expectedVersion": self.expected,
            "currentVersion": self.current,
            "currentGoldenId": self.current_id,
        }


class ConfigurationError(MdmError):
    code = "CONFIGURATION_ERROR"


class DataFileError(ConfigurationError):
    """A data file (rules, systems, reference data, export mappings) that cannot be used;
    every problem names its field."""

    what = "data file"

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"invalid {self.what} {path}:\n{lines}")


class RuleFileError(DataFileError):
    what = "survivorship rule file"


class AbbreviationsFileError(DataFileError):
    what = "abbreviations file"


class SystemsFileError(DataFileError):
    what = "systems file"


class ReferenceFileError(DataFileError):
    what = "reference data file"


class MappingFileError(DataFileError):
    what = "mapping file"


class LoadStopped(MdmError):
    code = "LOAD_STOPPED"


class StoreError(MdmError):
    code = "STORE_ERROR"


class StoreUnavailable(StoreError):
    code = "STORE_UNAVAILABLE"


class RelationshipCycle(RecordRejected):
    """A record whose references would close a loop in a hierarchy (an employee managing
    themself, dimensions that are each other's parent); its whole upsert is rolled back. A
    steward's merge that would do so is refused the same way, labelled with the merge."""

    code = "RELATIONSHIP_CYCLE"


class AuditHeadMissing(StoreError):
    """The audit chain's head row (its last seq and hash) is gone, or names a seq before the
    last stored event: someone edited the store. Appending would reuse seqs, so every write
    is refused until an operator verifies the chain and rebuilds the head."""

    code = "AUDIT_HEAD_MISSING"

    def __init__(self, head_seq: int | None, last_seq: int) -> None:
        self.head_seq = head_seq
        self.last_seq = last_seq
        found = "is missing" if head_seq is None else f"names seq {head_seq}"
        super().__init__(
            f"the audit chain head {found} but events run to seq {last_seq}: writes are "
            "refused until `mdm-hub verify-audit --repair-head` rebuilds it from the verified "
            "chain"
        )

    def details(self) -> dict[str, Any]:
        return {"headSeq": self.head_seq, "lastEventSeq": self.last_seq}

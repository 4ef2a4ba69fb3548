"""One error root for everything mdm-hub raises on purpose.

    MdmError                      expected failures; the API shows their message and code
    ├── InvalidInput              bad input from a caller; nothing was written
    │   └── RecordRejected        one source record failed validation (carries every problem)
    │       └── RelationshipCycle its references would make a hierarchy loop back on itself
    ├── NotFound                  a named golden record or source record does not exist
    ├── Unauthenticated           no credentials, or credentials that do not prove who one is
    ├── Forbidden                 an authenticated caller's role does not allow the operation
    ├── ConfigurationError        settings or rule files are unusable; the service refuses to start
    │   └── RuleFileError         one survivorship rule file is invalid (carries every problem)
    └── StoreError                the store could not do what was asked
        └── StoreUnavailable      the store cannot be reached

Anything else is a bug: the API masks it and logs the full trace.
"""

from __future__ import annotations

from dataclasses import dataclass


class MdmError(Exception):
    """Root of every expected mdm-hub failure."""

    code = "INTERNAL"


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


class Unauthenticated(MdmError):
    code = "UNAUTHENTICATED"


class Forbidden(MdmError):
    code = "FORBIDDEN"


class ConfigurationError(MdmError):
    code = "CONFIGURATION_ERROR"


class RuleFileError(ConfigurationError):
    """A survivorship rule file that cannot be used; every problem names its field."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"invalid survivorship rule file {path}:\n{lines}")


class StoreError(MdmError):
    code = "STORE_ERROR"


class StoreUnavailable(StoreError):
    code = "STORE_UNAVAILABLE"


class RelationshipCycle(RecordRejected):
    """A record whose references would close a loop in a hierarchy (an employee managing
    themself, dimensions that are each other's parent); its whole upsert is rolled back."""

    code = "RELATIONSHIP_CYCLE"

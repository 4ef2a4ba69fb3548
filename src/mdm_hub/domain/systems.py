"""Declared source systems: who may send records, what kind of system each is, and how it
writes values (its locale).

Every source record names its system by code. A system must be declared (`systems.yaml`) before
it may send: its kind lets survivorship rules say "CRM first, then ERP" without naming each CRM,
and its locale tells the standardiser how to read `03/04/2024` or `1.234,50`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mdm_hub.domain.attributes import SystemCode
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD


class SystemKind(StrEnum):
    CRM = "CRM"
    ERP = "ERP"
    PSA = "PSA"
    HRIS = "HRIS"
    PAYROLL = "PAYROLL"
    EXPENSE = "EXPENSE"
    OTHER = "OTHER"


class DateOrder(StrEnum):
    """How a system writes all-numeric dates such as `03/04/2024`."""

    DMY = "DMY"  # 03/04/2024 is 3 April
    MDY = "MDY"  # 03/04/2024 is 4 March
    YMD = "YMD"  # 2024/04/03; numeric day-month forms are not read (ambiguous)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Locale(_Model):
    """How a system writes dates and decimals. The defaults read only unambiguous forms."""

    date_order: DateOrder = DateOrder.YMD
    decimal_separator: Literal[".", ","] = "."


DEFAULT_LOCALE = Locale()


class SourceSystem(_Model):
    """One declared source system."""

    code: SystemCode
    name: str = Field(min_length=1, max_length=128)
    kind: SystemKind
    # What it may send; empty means every entity type.
    entity_types: tuple[EntityType, ...] = ()
    locale: Locale = DEFAULT_LOCALE

    @field_validator("code")
    @classmethod
    def _not_reserved(cls, code: str) -> str:
        if code == STEWARD:
            raise ValueError(f"{STEWARD!r} is reserved for steward overrides")
        return code

    def sends(self, entity_type: EntityType) -> bool:
        return not self.entity_types or entity_type in self.entity_types


class SystemsFile(_Model):
    """`systems.yaml` as written."""

    systems: tuple[SourceSystem, ...] = Field(min_length=1)


@dataclass(frozen=True)
class SystemRegistry:
    """The declared systems, by code."""

    by_code: Mapping[str, SourceSystem]
    # Where they were declared, for error messages ("declare it in ...").
    origin: str = "systems.yaml"
    _by_kind: dict[SystemKind, tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, systems: Iterable[SourceSystem], origin: str = "systems.yaml") -> SystemRegistry:
        return cls({system.code: system for system in systems}, origin)

    def get(self, code: str) -> SourceSystem | None:
        return self.by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def codes(self) -> list[str]:
        return sorted(self.by_code)

    def of_kind(self, kind: SystemKind) -> tuple[str, ...]:
        """The codes of every system of `kind`, sorted."""
        found = self._by_kind.get(kind)
        if found is None:
            found = tuple(sorted(c for c, s in self.by_code.items() if s.kind is kind))
            self._by_kind[kind] = found
        return found

    def expand(self, name: str) -> tuple[str, ...] | None:
        """What a rule's entry names: a declared system (itself), a kind (every system of that
        kind) or both (a system whose code is also a kind's name, such as today's `CRM`: that
        system first, then the other systems of its kind). None: neither."""
        codes: list[str] = [name] if name in self.by_code else []
        if name in SystemKind.__members__:
            codes.extend(c for c in self.of_kind(SystemKind(name)) if c != name)
        return tuple(codes) if codes else None

    def with_systems(self, systems: Iterable[SourceSystem]) -> SystemRegistry:
        """This registry and `systems` (which win on a shared code)."""
        merged = dict(self.by_code)
        merged.update({system.code: system for system in systems})
        return SystemRegistry(merged, self.origin)

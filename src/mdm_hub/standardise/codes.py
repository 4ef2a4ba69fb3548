"""Coded attributes: the port through which reference data maps a system's own codes
(`Active`, `T&M`, `0010`) to the hub's canonical codes. Reference data implements it."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.reference import UnmappedCode

__all__ = ["CodeLookup", "CodeMapper", "UnmappedCode"]


class CodeLookup(NamedTuple):
    value: str | None  # the canonical code; None when refused
    problem: str | None  # why refused (names the known codes)
    unmapped: bool = False  # kept as sent (trimmed) but not mapped: the caller queues it


class CodeMapper(Protocol):
    def code_set(self, entity_type: EntityType, attribute: str) -> str | None:
        """The code set of a coded attribute; None: not a coded attribute."""
        ...

    def lookup(self, code_set: str, system: str, value: str) -> CodeLookup:
        """`value` as `system` writes it in `code_set`, mapped to the canonical code."""
        ...

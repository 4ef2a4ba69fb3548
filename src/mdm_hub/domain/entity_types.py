"""The five kinds of master data the hub keeps golden records for."""

from __future__ import annotations

from enum import StrEnum


class EntityType(StrEnum):
    CUSTOMER = "CUSTOMER"
    EMPLOYEE = "EMPLOYEE"
    PROJECT = "PROJECT"
    RATE_CARD = "RATE_CARD"
    ACCOUNTING_DIMENSION = "ACCOUNTING_DIMENSION"

    @property
    def id_prefix(self) -> str:
        """Short prefix of golden IDs, so a person can tell an ID's kind at a glance."""
        return _ID_PREFIXES[self]


_ID_PREFIXES = {
    EntityType.CUSTOMER: "cus",
    EntityType.EMPLOYEE: "emp",
    EntityType.PROJECT: "prj",
    EntityType.RATE_CARD: "rtc",
    EntityType.ACCOUNTING_DIMENSION: "dim",
}

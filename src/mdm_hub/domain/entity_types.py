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


ENTITY_TYPES_BY_TEXT: dict[str, EntityType] = {str(t): t for t in EntityType}


def entity_type_from_text(text: str) -> EntityType:
    """The entity type named `text`, through a plain dict: the enum's own lookup costs several
    times more, and stored records, keys and events name their type on every read. An
    unknown name raises as `EntityType(text)` does."""
    try:
        return ENTITY_TYPES_BY_TEXT[text]
    except (KeyError, TypeError):
        return EntityType(text)


_ID_PREFIXES = {
    EntityType.CUSTOMER: "cus",
    EntityType.EMPLOYEE: "emp",
    EntityType.PROJECT: "prj",
    EntityType.RATE_CARD: "rtc",
    EntityType.ACCOUNTING_DIMENSION: "dim",
}

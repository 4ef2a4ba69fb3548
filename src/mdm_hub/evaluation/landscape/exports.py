"""Export files and the truth about their rows.

Each row a system module writes comes with the record the hub should make of it (canonical
attributes, as the loader and the hub's standardisation should produce them) and the key of
the real-world thing it describes, so files, labels and records cannot drift apart."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from mdm_hub.domain.entity_types import EntityType

LABELS_FILE = "labels.csv"
LABEL_COLUMNS = ("system", "entity_type", "source_id", "entity_key", "deleted", "file")


@dataclass(frozen=True)
class SourceRecord:
    """One row as the hub should see it once loaded: canonical attributes, in the system's own
    IDs (references too), labelled with the real-world thing it describes."""

    system: str
    entity_type: EntityType
    source_id: str
    entity_key: str
    attributes: dict[str, Any]
    deleted: bool
    file: str  # "netsuite/customers.csv"


@dataclass(frozen=True)
class ExportFile:
    system: str
    name: str  # "customers.csv"
    mapping: str  # the shipped mapping that reads it: "netsuite/customer"
    entity_type: EntityType
    header: tuple[str, ...]
    rows: list[dict[str, str]]
    encoding: str = "utf-8"
    quote_all: bool = False  # Salesforce's Data Loader quotes every value

    @property
    def path(self) -> str:
        return f"{self.system}/{self.name}"


@dataclass
class ExportBuilder:
    """Collects one export file's rows and the records they stand for."""

    system: str
    name: str
    mapping: str
    entity_type: EntityType
    header: tuple[str, ...]
    id_column: str
    # Prepended to the ID column's value to make the source ID, where a system numbers several
    # record types separately (NetSuite's departments and subsidiaries both start at 1).
    id_prefix: str = ""
    encoding: str = "utf-8"
    quote_all: bool = False
    rows: list[dict[str, str]] = field(default_factory=list)
    records: list[SourceRecord] = field(default_factory=list)

    def add(
        self,
        row: Mapping[str, str | None],
        entity_key: str | None,
        attributes: Mapping[str, Any],
        deleted: bool = False,
    ) -> str:
        """Add a row; with an entity key, also the record the hub should make of it (None: a
        row the mapping leaves out). Returns the row's source ID."""
        unknown = sorted(set(row) - set(self.header))
        if unknown:
            raise ValueError(f"{self.system}/{self.name}: columns {unknown} not in the header")
        cells = {column: row.get(column) or "" for column in self.header}
        source_id = self.id_prefix + cells[self.id_column]
        self.rows.append(cells)
        if entity_key is not None:
            canonical = {
                k: v.value if isinstance(v, Enum) else v
                for k, v in attributes.items()
                if v is not None and v != ""
            }
            self.records.append(
                SourceRecord(
                    self.system,
                    self.entity_type,
                    source_id,
                    entity_key,
                    canonical,
                    deleted,
                    f"{self.system}/{self.name}",
                )
            )
        return source_id

    def file(self) -> ExportFile:
        return ExportFile(
            self.system,
            self.name,
            self.mapping,
            self.entity_type,
            self.header,
            self.rows,
            self.encoding,
            self.quote_all,
        )


def reference(system: str, source_id: str | None) -> dict[str, str] | None:
    """A canonical reference, as a mapping's `reference` produces it."""
    return {"system": system, "sourceId": source_id} if source_id else None


def write_export(export: ExportFile, folder: Path) -> Path:
    path = folder / export.path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=export.encoding, newline="") as out:
        writer = csv.DictWriter(
            out,
            export.header,
            quoting=csv.QUOTE_ALL if export.quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n",
        )
        writer.writeheader()
        writer.writerows(export.rows)
    return path


def write_labels(records: Iterable[SourceRecord], folder: Path) -> Path:
    path = folder / LABELS_FILE
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(LABEL_COLUMNS)
        for r in records:
            deleted = "true" if r.deleted else "false"
            writer.writerow((r.system, r.entity_type, r.source_id, r.entity_key, deleted, r.file))
    return path


@dataclass(frozen=True)
class Label:
    system: str
    entity_type: EntityType
    source_id: str
    entity_key: str
    deleted: bool
    file: str


def read_labels(path: Path) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as source:
        return [
            Label(
                row["system"],
                EntityType(row["entity_type"]),
                row["source_id"],
                row["entity_key"],
                row["deleted"] == "true",
                row["file"],
            )
            for row in csv.DictReader(source)
        ]

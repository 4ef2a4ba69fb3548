"""The shipped export mappings: each is well formed, names a declared system and canonical
attributes of its entity type, reads only columns the generated export has, and turns the
generated rows into exactly the labelled records (IDs, retirements, references, values)."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.attributes import (
    AttributeKind,
    DimensionKind,
    attribute_kinds,
    attribute_names,
)
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape import ExportFile, Scale, SourceRecord, generate_landscape
from mdm_hub.onboarding.systems_file import shipped_systems
from tests.support.mapping_reading import (
    TOP_LEVEL_KEYS,
    evaluate,
    is_true,
    mapping_columns,
    shipped_mappings,
    skipped,
)

MAPPINGS = shipped_mappings()
LANDSCAPE = generate_landscape(7, Scale.MEDIUM)
EXPORTS = {export.mapping: export for export in LANDSCAPE.files}
# Values the hub's door converts (dates, decimals, countries, currencies, coded values): the
# row holds the system's format, the record the canonical one, so only presence is compared.
CONVERTED = {"country", "currency", "status", "billing_method", "unit", "kind"}


def test_every_export_has_a_shipped_mapping_and_every_mapping_an_export() -> None:
    assert set(MAPPINGS) == set(EXPORTS)


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_mapping_is_well_formed_for_a_declared_system(name: str) -> None:
    mapping = MAPPINGS[name]
    assert set(mapping) <= TOP_LEVEL_KEYS, set(mapping) - TOP_LEVEL_KEYS
    system = shipped_systems().get(mapping["system"])
    assert system is not None, f"{name}: system {mapping['system']} is not declared"
    assert name.startswith(f"{system.code}/")
    entity_type = EntityType(mapping["entity_type"])
    assert system.sends(entity_type), f"{name}: {system.code} may not send {entity_type}"
    unknown = set(mapping["attributes"]) - set(attribute_names(entity_type))
    assert not unknown, f"{name}: not canonical {entity_type} attributes: {unknown}"
    assert mapping.get("format", "csv") == "csv"
    kind = mapping["attributes"].get("kind")
    if isinstance(kind, dict) and "value" in kind:
        DimensionKind(kind["value"])


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_mapping_reads_only_columns_the_export_has(name: str) -> None:
    export = EXPORTS[name]
    missing = mapping_columns(MAPPINGS[name]) - set(export.header)
    assert not missing, f"{name} reads {missing}, not in {export.path}'s header"
    assert export.entity_type == MAPPINGS[name]["entity_type"]
    assert export.system == MAPPINGS[name]["system"]


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_mapping_turns_the_rows_into_the_labelled_records(name: str) -> None:
    mapping, export = MAPPINGS[name], EXPORTS[name]
    expected = {r.source_id: r for r in LANDSCAPE.records if r.file == export.path}
    loaded = _read_rows(mapping, export)
    assert set(loaded) == set(expected), f"{name}: source IDs differ from the labels"
    kinds = attribute_kinds(EntityType(mapping["entity_type"]))
    for source_id, (deleted, values) in loaded.items():
        record = expected[source_id]
        assert deleted == record.deleted, f"{name} {source_id}: retired?"
        _agrees(name, record, values, kinds)


def _read_rows(
    mapping: dict[str, Any], export: ExportFile
) -> dict[str, tuple[bool, dict[str, Any]]]:
    loaded = {}
    for row in export.rows:
        if skipped(mapping, row):
            continue
        source_id = evaluate(mapping["source_id"], row).text
        assert source_id, f"{export.path}: a row without a source ID: {row}"
        deleted = "deleted" in mapping and is_true(evaluate(mapping["deleted"], row))
        values = {a: evaluate(spec, row) for a, spec in mapping["attributes"].items()}
        loaded[source_id] = (deleted, values)
    return loaded


def _agrees(
    name: str, record: SourceRecord, values: dict[str, Any], kinds: dict[str, AttributeKind]
) -> None:
    for attribute, value in values.items():
        canonical = record.attributes.get(attribute)
        where = f"{name} {record.source_id} {attribute}"
        assert (value.text is None) == (canonical is None), f"{where}: {value} vs {canonical}"
        if value.text is None:
            continue
        if kinds[attribute] is AttributeKind.REFERENCE:
            assert canonical == {"system": record.system, "sourceId": value.text}, where
        elif value.from_column and (
            attribute in CONVERTED or kinds[attribute] in (AttributeKind.DATE, AttributeKind.NUMBER)
        ):
            continue  # the door converts the format; presence agreed above
        else:
            assert canonical == value.text, f"{where}: row gives {value.text!r}, not {canonical!r}"
    extra = set(record.attributes) - set(values)
    assert not extra, f"{name} {record.source_id}: labelled attributes no mapping fills: {extra}"

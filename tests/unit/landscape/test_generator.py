"""The generated landscape: deterministic for a seed, every system and entity type present,
labels consistent with the world, the hard negatives and value-format variety really there."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from mdm_hub.domain.attributes import AttributeKind, attribute_kinds, validate_attributes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape import (
    Landscape,
    Scale,
    SourceRecord,
    generate_landscape,
    read_labels,
    write_landscape,
)
from mdm_hub.evaluation.landscape.generate import SYSTEMS
from mdm_hub.onboarding.systems_file import shipped_systems

LANDSCAPE = generate_landscape(7, Scale.MEDIUM)
SMALL = generate_landscape(7, Scale.SMALL)
# What each reference attribute points at.
TARGETS = {
    "parent": None,  # the record's own entity type
    "manager": EntityType.EMPLOYEE,
    "cost_center": EntityType.ACCOUNTING_DIMENSION,
    "legal_entity": EntityType.ACCOUNTING_DIMENSION,
    "customer": EntityType.CUSTOMER,
    "project_manager": EntityType.EMPLOYEE,
    "project": EntityType.PROJECT,
}
MDY = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def column(landscape: Landscape, path: str, name: str) -> list[str]:
    export = next(f for f in landscape.files if f.path == path)
    return [row[name] for row in export.rows if row[name]]


def test_a_seed_always_gives_the_same_files_and_another_seed_others() -> None:
    again = generate_landscape.__wrapped__(7, Scale.SMALL)
    assert [(f.path, f.header, f.rows) for f in again.files] == [
        (f.path, f.header, f.rows) for f in SMALL.files
    ]
    assert again.records == SMALL.records
    other = generate_landscape.__wrapped__(8, Scale.SMALL)
    assert [f.rows for f in other.files] != [f.rows for f in SMALL.files]


def test_every_system_sends_every_entity_type_it_is_declared_for_and_no_other() -> None:
    sent = defaultdict(set)
    for record in LANDSCAPE.records:
        sent[record.system].add(record.entity_type)
    assert set(sent) == set(SYSTEMS)
    assert set().union(*sent.values()) == set(EntityType)
    for system, types in sent.items():
        declared = shipped_systems().get(system)
        assert declared is not None
        assert all(declared.sends(t) for t in types), f"{system} sends {types}"


def test_each_real_thing_is_held_by_more_than_one_system() -> None:
    for entity_type in EntityType:
        systems: dict[str, set[str]] = defaultdict(set)
        for r in LANDSCAPE.records:
            if r.entity_type is entity_type:
                systems[r.entity_key].add(r.system)
        shared = sum(len(s) > 1 for s in systems.values())
        assert shared > len(systems) / 2, f"{entity_type}: {shared} of {len(systems)} shared"


def test_source_ids_are_unique_within_a_system_and_entity_type() -> None:
    keys = Counter((r.system, r.entity_type, r.source_id) for r in LANDSCAPE.records)
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.mark.parametrize("landscape", [SMALL, LANDSCAPE], ids=["small", "medium"])
def test_every_labelled_record_is_valid_canonical_data(landscape: Landscape) -> None:
    for record in landscape.records:
        validate_attributes(record.entity_type, record.attributes)


def test_references_point_at_records_of_the_right_type_in_the_same_system() -> None:
    by_key = {(r.system, r.entity_type, r.source_id): r for r in LANDSCAPE.records}
    checked = Counter()
    for record in LANDSCAPE.records:
        kinds = attribute_kinds(record.entity_type)
        for attribute, value in record.attributes.items():
            if kinds[attribute] is not AttributeKind.REFERENCE:
                continue
            assert value["system"] == record.system
            target_type = TARGETS[attribute] or record.entity_type
            target = by_key.get((record.system, target_type, value["sourceId"]))
            assert target is not None, f"{record.file} {record.source_id}.{attribute}: {value}"
            assert _truth(record, attribute) == target.entity_key, (record, attribute)
            checked[attribute] += 1
    assert set(checked) == set(TARGETS)


def _truth(record: SourceRecord, attribute: str) -> str | None:
    """The real-world thing a reference should reach, from the world itself."""
    thing = LANDSCAPE.world.by_key[record.entity_key]
    field = {
        "cost_center": "cost_centre",
        "project_manager": "manager",
        "parent": "parent",
    }.get(attribute, attribute)
    return getattr(thing, field)


def test_hard_negatives_different_things_that_look_alike() -> None:
    world = LANDSCAPE.world
    names = Counter((e.given, e.family) for e in world.employees)
    assert any(n > 1 for n in names.values()), "no two people share a name"
    addresses = Counter(c.address for c in world.customers)
    assert any(n > 1 for n in addresses.values()), "no two companies share an address"
    roles = defaultdict(set)
    for card in world.rate_cards:
        if card.customer is None and card.project is None:
            roles[card.role, card.currency].add(card.year)
    assert all(len(years) == 2 for years in roles.values())
    phases = [p for p in world.projects if p.name.endswith("Phase 2")]
    assert phases, "no second phase of a project"


def test_value_formats_vary_as_real_exports_do() -> None:
    countries = column(LANDSCAPE, "salesforce/accounts.csv", "BillingCountry")
    assert any(len(c) > 3 for c in countries)
    assert any(len(c) == 2 for c in countries)
    assert {"U.S.", "Deutschland"} & set(countries)
    assert "United States of America" in column(
        LANDSCAPE, "workday/workers.csv", "Primary_Home_Address_Country"
    )
    assert set(column(LANDSCAPE, "adp/workers.csv", "Primary Address: Country Code")) == {"USA"}
    assert all(MDY.match(d) for d in column(LANDSCAPE, "netsuite/projects.csv", "Start Date"))
    assert all(MDY.match(d) for d in column(LANDSCAPE, "workday/workers.csv", "Hire_Date"))
    assert set(column(LANDSCAPE, "adp/workers.csv", "Position Status")) == {"A", "T", "L"}
    assert set(column(LANDSCAPE, "adp/departments.csv", "Type")) == {"CC", "Dept"}
    assert {"T&M", "Fixed Price"} <= set(column(LANDSCAPE, "psa/projects.csv", "Billing Type"))
    currencies = set(column(LANDSCAPE, "psa/rate_cards.csv", "Currency"))
    assert currencies & {"eur", "usd", "gbp"}
    assert currencies & {"€", "£"}
    assert "Euro" in column(LANDSCAPE, "netsuite/customers.csv", "Currency")
    assert any("," in r for r in column(LANDSCAPE, "netsuite/billing_rate_cards.csv", "Rate"))
    assert any(re.match(r"^\d{8}$", d) for d in column(LANDSCAPE, "psa/clients.csv", "Created On"))


def test_ids_are_written_each_systems_way() -> None:
    assert all(
        re.match(r"^E\d{6}$", i) for i in column(LANDSCAPE, "workday/workers.csv", "Employee_ID")
    )
    assert all(re.match(r"^\d{6}$", i) for i in column(LANDSCAPE, "adp/workers.csv", "File Number"))
    assert all(
        re.match(r"^[1-9]\d{3}$", i) for i in column(LANDSCAPE, "concur/users.csv", "Employee ID")
    )
    assert all(
        re.match(r"^PRJ-\d{5}$", i) for i in column(LANDSCAPE, "psa/projects.csv", "Project ID")
    )
    netsuite = column(LANDSCAPE, "netsuite/projects.csv", "ID")
    assert any(i.startswith("PRJ") for i in netsuite)
    assert any(i.isdigit() for i in netsuite)
    accounts = column(LANDSCAPE, "salesforce/accounts.csv", "Id")
    assert all(re.match(r"^001[0-9A-Za-z]{15}$", i) for i in accounts)
    assert {
        c[:2] for c in column(LANDSCAPE, "workday/cost_centers.csv", "Cost_Center_Reference_ID")
    } == {"CC"}


def test_some_rows_are_retired_in_their_system() -> None:
    retired = Counter(r.system for r in LANDSCAPE.records if r.deleted)
    assert {"salesforce", "netsuite", "workday", "concur"} <= set(retired)
    assert "true" in column(LANDSCAPE, "salesforce/accounts.csv", "IsDeleted")


def test_salesforce_ids_carry_their_case_checksum() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    for account in column(LANDSCAPE, "salesforce/accounts.csv", "Id"):
        body = account[:15]
        suffix = "".join(
            alphabet[sum(1 << i for i, c in enumerate(body[k : k + 5]) if c.isupper())]
            for k in (0, 5, 10)
        )
        assert account[15:] == suffix


def test_written_files_read_back_in_their_encoding_with_labels(tmp_path: Path) -> None:
    write_landscape(SMALL, tmp_path)
    for export in SMALL.files:
        with (tmp_path / export.path).open(encoding=export.encoding, newline="") as source:
            rows = list(csv.DictReader(source))
        assert rows == export.rows, export.path
    labels = read_labels(tmp_path / "labels.csv")
    assert [(lb.system, lb.source_id, lb.entity_key, lb.deleted) for lb in labels] == [
        (r.system, r.source_id, r.entity_key, r.deleted) for r in SMALL.records
    ]

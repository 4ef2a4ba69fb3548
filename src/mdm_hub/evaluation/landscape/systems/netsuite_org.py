"""NetSuite's view of the firm's structure: subsidiaries (OneWorld, with the consolidation's
elimination subsidiary), departments (the three departments over their cost centres, in one
hierarchy) and the chart of accounts. Exports: saved searches of each record type.

NetSuite numbers each record type from 1, so a department and a subsidiary can share an
Internal ID: the source IDs are prefixed with the record type ("department/4")."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from mdm_hub.domain.attributes import DimensionKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CountryStyle,
    CurrencyStyle,
    country_text,
    currency_text,
)
from mdm_hub.evaluation.landscape.spelling import abbreviated
from mdm_hub.evaluation.landscape.systems.common import Counter
from mdm_hub.evaluation.landscape.world import Dimension, World

SYSTEM = "netsuite"
DIMENSION = EntityType.ACCOUNTING_DIMENSION
SUBSIDIARY_HEADER = (
    "Internal ID", "Name", "Name (no hierarchy)", "Legal Name", "Country", "Currency",
    "Parent Internal ID", "Elimination", "Inactive",
)  # fmt: skip
DEPARTMENT_HEADER = ("Internal ID", "Name", "Name (no hierarchy)", "External ID",
                     "Parent Internal ID", "Inactive")  # fmt: skip
ACCOUNT_HEADER = ("Internal ID", "Number", "Name", "Account Type", "Parent Internal ID",
                  "Description", "Inactive")  # fmt: skip
SHORT_NAMES = {"US": "Brightline US", "GB": "Brightline UK", "DE": "Brightline Germany",
               "ES": "Brightline Spain"}  # fmt: skip
ELIMINATION = "Brightline Elimination"
EXTERNAL_ID = 0.7  # cost centres created by the HR integration carry its code as External ID


@dataclass
class Ids:
    """NetSuite Internal IDs (without any record-type prefix) and hierarchical names, by the
    world's keys, as the exports hand them out."""

    subsidiaries: dict[str, str] = field(default_factory=dict)
    subsidiary_names: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    employees: dict[str, str] = field(default_factory=dict)
    customers: dict[str, str] = field(default_factory=dict)
    customer_names: dict[str, str] = field(default_factory=dict)


def flag(value: bool) -> str:
    return "Yes" if value else "No"


def subsidiaries(world: World, ids: Ids) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "subsidiaries.csv", "netsuite/subsidiary", DIMENSION, SUBSIDIARY_HEADER,
        "Internal ID", id_prefix="subsidiary/",
    )  # fmt: skip
    for number, entity in enumerate(world.of_kind(DimensionKind.LEGAL_ENTITY), start=1):
        internal = str(number)
        ids.subsidiaries[entity.key] = internal
        short = SHORT_NAMES[entity.code]
        parent = ids.subsidiaries.get(entity.parent or "")
        path = f"{ids.subsidiary_names[entity.parent or '']} : {short}" if parent else short
        ids.subsidiary_names[entity.key] = path
        legal = entity.name if number != 2 else None  # one subsidiary's legal name never filled
        currency = entity.currency or "USD"
        row = {
            "Internal ID": internal,
            "Name": path,
            "Name (no hierarchy)": short,
            "Legal Name": legal,
            "Country": country_text(entity.country or "US", CountryStyle.NAME),
            "Currency": currency_text(currency, CurrencyStyle.NAME),
            "Parent Internal ID": parent,
            "Elimination": "No",
            "Inactive": "No",
        }
        attributes = {
            "kind": DimensionKind.LEGAL_ENTITY,
            "name": legal or short,
            "currency": currency,
            "parent": reference(SYSTEM, f"subsidiary/{parent}" if parent else None),
        }
        out.add(row, entity.key, attributes)
    top = ids.subsidiaries[world.of_kind(DimensionKind.LEGAL_ENTITY)[0].key]
    out.add(
        {
            "Internal ID": str(len(ids.subsidiaries) + 1),
            "Name": f"{SHORT_NAMES['US']} : {ELIMINATION}",
            "Name (no hierarchy)": ELIMINATION,
            "Country": country_text("US", CountryStyle.NAME),
            "Currency": currency_text("USD", CurrencyStyle.NAME),
            "Parent Internal ID": top,
            "Elimination": "Yes",
            "Inactive": "No",
        },
        None,  # a consolidation artefact, not a legal entity: the mapping skips it
        {},
    )
    return out


def departments(rng: random.Random, world: World, ids: Ids) -> ExportBuilder:
    """Departments and, under them, the cost centres (NetSuite's department segment holds
    both); kind follows from the place in the hierarchy."""
    out = ExportBuilder(
        SYSTEM, "departments.csv", "netsuite/department", DIMENSION, DEPARTMENT_HEADER,
        "Internal ID", id_prefix="department/",
    )  # fmt: skip
    counter = Counter(rng, 1, 3)
    for unit in world.of_kind(DimensionKind.DEPARTMENT) + world.of_kind(DimensionKind.COST_CENTER):
        internal = str(counter.take())
        ids.departments[unit.key] = internal
        parent = ids.departments.get(unit.parent or "")
        name = _unit_name(rng, unit)
        path = f"{ids.department_names[unit.parent or '']} : {name}" if parent else name
        ids.department_names[unit.key] = path
        code = None
        if unit.kind is DimensionKind.COST_CENTER and rng.random() < EXTERNAL_ID:
            code = f"CC{unit.code}"
        row = {
            "Internal ID": internal,
            "Name": path,
            "Name (no hierarchy)": name,
            "External ID": code,
            "Parent Internal ID": parent,
            "Inactive": flag(not unit.active),
        }
        attributes = {
            "kind": unit.kind,
            "code": code,
            "name": name,
            "parent": reference(SYSTEM, f"department/{parent}" if parent else None),
        }
        out.add(row, unit.key, attributes, deleted=not unit.active)
    return out


def _unit_name(rng: random.Random, unit: Dimension) -> str:
    name = unit.name
    if " & " in name and rng.random() < 0.5:
        name = name.replace(" & ", " and ")
    if unit.kind is DimensionKind.COST_CENTER and rng.random() < 0.3:
        name = f"{unit.code} {name}"
    return abbreviated(name) if rng.random() < 0.2 else name


def accounts(rng: random.Random, world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "gl_accounts.csv", "netsuite/gl_account", DIMENSION, ACCOUNT_HEADER,
        "Internal ID", id_prefix="account/",
    )  # fmt: skip
    counter = Counter(rng, 1, 6)
    internal_ids: dict[str, str] = {}
    paths: dict[str, str] = {}
    for account in world.of_kind(DimensionKind.GL_ACCOUNT):
        internal = str(counter.take())
        internal_ids[account.key] = internal
        parent = internal_ids.get(account.parent or "")
        name = account.name.replace(" & ", " and ")
        path = f"{paths[account.parent or '']} : {name}" if parent else name
        paths[account.key] = path
        row = {
            "Internal ID": internal,
            "Number": account.code,
            "Name": path,
            "Account Type": account.account_type,
            "Parent Internal ID": parent,
            "Description": account.name if rng.random() < 0.3 else None,
            "Inactive": "No",
        }
        attributes = {
            "kind": DimensionKind.GL_ACCOUNT,
            "code": account.code,
            "name": path,
            "parent": reference(SYSTEM, f"account/{parent}" if parent else None),
        }
        out.add(row, account.key, attributes)
    return out

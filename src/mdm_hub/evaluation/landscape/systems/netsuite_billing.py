"""NetSuite's billing side: projects (jobs) named "Customer : Project", numbered 20417 before
the 2023 switch to PRJ20417, and billing rate cards ("Standard Rates 2025 - Manager (EUR)").
Exports: saved searches, as CSV."""

from __future__ import annotations

import random
from datetime import date

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CurrencyStyle,
    DateStyle,
    amount_text,
    canonical_amount,
    currency_text,
    date_text,
)
from mdm_hub.evaluation.landscape.systems.common import Counter, declared_locale
from mdm_hub.evaluation.landscape.systems.netsuite_org import SYSTEM, Ids, flag
from mdm_hub.evaluation.landscape.world import Project, Status, World

PROJECT_HEADER = (
    "Internal ID", "ID", "Name", "Customer Internal ID", "Customer",
    "Project Manager Internal ID", "Project Manager", "Billing Type", "Currency", "Start Date",
    "Projected End Date", "Status", "Subsidiary", "Inactive",
)  # fmt: skip
RATE_CARD_HEADER = (
    "Internal ID", "Name", "Billing Class", "Currency", "Rate", "Unit", "Effective Date",
    "End Date", "Customer Internal ID", "Inactive",
)  # fmt: skip
ROLE_SPELLINGS = {"Senior Consultant": "Sr. Consultant", "Senior Manager": "Sr. Manager"}
PREFIXED_FROM = date(2023, 1, 1)  # projects opened since carry "PRJ" in their ID
INACTIVE_CLOSED_BEFORE = date(2024, 1, 1)  # closed projects finance has since inactivated


def projects(world: World, projects: list[Project], ids: Ids, entities: Counter) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "projects.csv", "netsuite/project", EntityType.PROJECT, PROJECT_HEADER,
        "Internal ID",
    )  # fmt: skip
    for project in projects:
        customer = ids.customers[project.customer]
        manager = world.employee(project.manager)
        number = f"PRJ{project.number}" if project.start >= PREFIXED_FROM else str(project.number)
        name = f"{ids.customer_names[project.customer]} : {project.name}"
        billing = local(SYSTEM, "PROJECT", "billing_method", _billing(project))
        inactive = project.status is Status.CLOSED and project.end < INACTIVE_CLOSED_BEFORE
        row = {
            "Internal ID": str(entities.take()),
            "ID": number,
            "Name": name,
            "Customer Internal ID": customer,
            "Customer": ids.customer_names[project.customer],
            "Project Manager Internal ID": ids.employees[project.manager],
            "Project Manager": f"{manager.given} {manager.family}",
            "Billing Type": billing,
            "Currency": currency_text(project.currency, CurrencyStyle.NAME),
            "Start Date": date_text(project.start, DateStyle.NUMERIC_SHORT, locale),
            "Projected End Date": date_text(project.end, DateStyle.NUMERIC_SHORT, locale),
            "Status": local(SYSTEM, "PROJECT", "status", project.status),
            "Subsidiary": ids.subsidiary_names[manager.legal_entity],
            "Inactive": flag(inactive),
        }
        attributes = {
            "code": str(project.number),  # the mapping strips the "PRJ"
            "name": name,
            "customer": reference(SYSTEM, customer),
            "project_manager": reference(SYSTEM, ids.employees[project.manager]),
            "billing_method": _billing(project),
            "currency": project.currency,
            "start_date": project.start.isoformat(),
            "end_date": project.end.isoformat(),
            "status": project.status,
        }
        out.add(row, project.key, attributes, deleted=inactive)
    return out


def _billing(project: Project) -> str:
    """What NetSuite holds: it has no retainer, so retainers are booked as fixed bids."""
    return "FIXED_FEE" if project.billing == "RETAINER" else project.billing.value


def rate_cards(rng: random.Random, world: World, ids: Ids) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "billing_rate_cards.csv", "netsuite/billing_rate_card", EntityType.RATE_CARD,
        RATE_CARD_HEADER, "Internal ID",
    )  # fmt: skip
    counter = Counter(rng, 1, 2)
    for card in world.rate_cards:
        if card.project is not None or (card.customer and card.customer not in ids.customers):
            continue  # project rates live in the PSA only
        program = f"Standard Rates {card.year}"
        if card.customer is not None:
            program = f"{world.customer(card.customer).name} {card.year}"
        name = f"{program} - {card.role} ({card.currency})"
        role = ROLE_SPELLINGS.get(card.role, card.role) if rng.random() < 0.5 else card.role
        unit = local(SYSTEM, "RATE_CARD", "unit", card.unit)
        customer = ids.customers.get(card.customer or "")
        row = {
            "Internal ID": str(counter.take()),
            "Name": name,
            "Billing Class": role,
            "Currency": currency_text(card.currency, CurrencyStyle.NAME),
            "Rate": amount_text(card.rate, locale, grouped=True),
            "Unit": unit,
            "Effective Date": date_text(card.effective_from, DateStyle.NUMERIC_SHORT, locale),
            "End Date": date_text(card.effective_to, DateStyle.NUMERIC_SHORT, locale),
            "Customer Internal ID": customer,
            "Inactive": "No",
        }
        attributes = {
            "name": name,
            "role": role,
            "currency": card.currency,
            "rate": canonical_amount(card.rate),
            "unit": card.unit,
            "effective_from": card.effective_from.isoformat(),
            "effective_to": card.effective_to.isoformat(),
            "customer": reference(SYSTEM, customer),
        }
        out.add(row, card.key, attributes)
    return out

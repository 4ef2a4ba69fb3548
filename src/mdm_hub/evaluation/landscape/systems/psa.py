"""The PSA (professional services automation): clients with mnemonic codes (NORTHW01), the
billable people as resources ("Family, First" with the name they go by), every project
("Finance Transformation (Northwind Hldgs)", PRJ-20417) and every rate card ("Manager - Std
Rates 2025"). Values typed by delivery staff: currencies as codes, lower case or symbols,
countries in their own language. Exports: the PSA's CSV reports (YMD dates)."""

from __future__ import annotations

import random
from datetime import date

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CountryStyle,
    CurrencyStyle,
    DateStyle,
    amount_text,
    canonical_amount,
    country_text,
    currency_text,
    date_text,
)
from mdm_hub.evaluation.landscape.people import billable
from mdm_hub.evaluation.landscape.spelling import abbreviated, maybe_typo
from mdm_hub.evaluation.landscape.systems.common import declared_locale, system_rng, weighted
from mdm_hub.evaluation.landscape.world import Customer, Employee, Status, World

SYSTEM = "psa"
CLIENT_HEADER = ("Client Code", "Client Name", "Parent Client Code", "Industry", "Currency",
                 "Country", "City", "Status", "Created On")  # fmt: skip
RESOURCE_HEADER = (
    "Resource ID", "Employee Number", "Resource Name", "Email", "Job Title", "Practice",
    "Home Office", "Manager Resource ID", "Status", "Start Date", "End Date",
)  # fmt: skip
PROJECT_HEADER = (
    "Project ID", "Project Name", "Client Code", "Project Manager ID", "Billing Type",
    "Currency", "Start Date", "End Date", "Status", "Practice",
)  # fmt: skip
RATE_CARD_HEADER = (
    "Rate Card ID", "Rate Card Name", "Role", "Currency", "Bill Rate", "Rate Unit",
    "Effective From", "Effective To", "Client Code", "Project ID",
)  # fmt: skip
CURRENCY_STYLES = ((CurrencyStyle.CODE, 70), (CurrencyStyle.LOWER, 15), (CurrencyStyle.SYMBOL, 15))
COUNTRY_STYLES = ((CountryStyle.ALPHA2, 40), (CountryStyle.NAME, 35), (CountryStyle.LOCAL, 25))
DATE_STYLES = ((DateStyle.ISO, 70), (DateStyle.COMPACT, 20), (DateStyle.TIMESTAMP, 10))
ROLE_SPELLINGS = {"Senior Consultant": "Sr. Consultant", "Senior Manager": "Sr. Manager"}
PRACTICES = {"1": "Consulting", "2": "Technology"}
SINCE = date(2019, 1, 1)  # the PSA went live; people who left before were never in it
OLD_DOMAIN = "brightlinecg.com"  # the firm's domain before its 2018 rebrand
EMPLOYEE_NUMBER = 0.7  # resources whose HR number was filled in


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    customers = {p.customer for p in world.projects}
    customers |= {c.parent for c in world.customers if c.key in customers and c.parent}
    clients, codes = _clients(rng, [c for c in world.customers if c.key in customers])
    resources, people = _resources(rng, world)
    projects, project_ids = _projects(rng, world, codes, people)
    return [clients, resources, projects, _rate_cards(rng, world, codes, project_ids)]


def _short_name(customer: Customer) -> str:
    return abbreviated(customer.name)


def _clients(rng: random.Random, customers: list[Customer]) -> tuple[ExportBuilder, dict[str, str]]:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "clients.csv", "psa/client", EntityType.CUSTOMER, CLIENT_HEADER, "Client Code"
    )
    codes: dict[str, str] = {}
    for customer in customers:
        stem = "".join(c for c in customer.stem.upper() if c.isalpha())[:6]
        number = 1
        while f"{stem}{number:02d}" in codes.values():
            number += 1
        code = codes[customer.key] = f"{stem}{number:02d}"
        name = _short_name(customer) if rng.random() < 0.5 else customer.name
        name = maybe_typo(rng, name, 0.05)
        parent = codes.get(customer.parent or "")
        status = Status.ACTIVE if customer.active else Status.INACTIVE
        row = {
            "Client Code": code,
            "Client Name": name,
            "Parent Client Code": parent,
            "Industry": customer.industry if rng.random() < 0.6 else None,
            "Currency": currency_text(customer.currency, weighted(rng, CURRENCY_STYLES)),
            "Country": country_text(customer.country, weighted(rng, COUNTRY_STYLES)),
            "City": customer.address.city,
            "Status": local(SYSTEM, "CUSTOMER", "status", status),
            "Created On": date_text(customer.created, DateStyle.COMPACT, locale),
        }
        attributes = {
            "name": name,
            "parent": reference(SYSTEM, parent),
            "industry": row["Industry"],
            "currency": customer.currency,
            "country": customer.country,
            "city": customer.address.city,
            "status": status,
        }
        out.add(row, customer.key, attributes)
    return out, codes


def _resources(rng: random.Random, world: World) -> tuple[ExportBuilder, dict[str, str]]:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "resources.csv", "psa/resource", EntityType.EMPLOYEE, RESOURCE_HEADER,
        "Resource ID",
    )  # fmt: skip
    staff = [
        e
        for e in sorted(world.employees, key=lambda e: e.hire_date)
        if billable(e) and (e.termination_date is None or e.termination_date >= SINCE)
    ]
    ids = {e.key: f"RES-{index:05d}" for index, e in enumerate(staff, start=42)}
    for employee in staff:
        status = Status.TERMINATED if employee.termination_date else Status.ACTIVE
        email = employee.email
        if employee.hire_date.year < 2018 and rng.random() < 0.5:
            email = email.replace("brightline.com", OLD_DOMAIN)
        number = str(employee.number) if rng.random() < EMPLOYEE_NUMBER else None
        title = ROLE_SPELLINGS.get(employee.title, employee.title)
        family = maybe_typo(rng, employee.family, 0.03)
        manager = ids.get(employee.manager or "")
        started = weighted(rng, DATE_STYLES)
        ended = employee.termination_date
        row = {
            "Resource ID": ids[employee.key],
            "Employee Number": number,
            "Resource Name": f"{family}, {employee.first_name}",
            "Email": email,
            "Job Title": title,
            "Practice": PRACTICES[employee.cost_centre.rsplit(":", 1)[1][0]],
            "Home Office": employee.office,
            "Manager Resource ID": manager,
            "Status": local(SYSTEM, "EMPLOYEE", "status", status),
            "Start Date": date_text(employee.hire_date, started, locale),
            "End Date": date_text(ended, started, locale) if ended else None,
        }
        attributes = {
            "employee_number": number,
            "given_name": employee.first_name,
            "family_name": family,
            "email": email,
            "job_title": title,
            "location": employee.office,
            "manager": reference(SYSTEM, manager),
            "status": status,
            "hire_date": employee.hire_date.isoformat(),
            "termination_date": ended.isoformat() if ended else None,
        }
        out.add(row, employee.key, attributes)
    return out, ids


def _projects(
    rng: random.Random, world: World, clients: dict[str, str], people: dict[str, str]
) -> tuple[ExportBuilder, dict[str, str]]:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "projects.csv", "psa/project", EntityType.PROJECT, PROJECT_HEADER, "Project ID"
    )
    ids: dict[str, str] = {}
    for project in world.projects:
        project_id = ids[project.key] = f"PRJ-{project.number}"
        customer = world.customer(project.customer)
        name = f"{project.name} ({_short_name(customer)})"
        manager: Employee = world.employee(project.manager)
        style = weighted(rng, DATE_STYLES)
        row = {
            "Project ID": project_id,
            "Project Name": name,
            "Client Code": clients[project.customer],
            "Project Manager ID": people[project.manager],
            "Billing Type": local(SYSTEM, "PROJECT", "billing_method", project.billing),
            "Currency": currency_text(project.currency, weighted(rng, CURRENCY_STYLES)),
            "Start Date": date_text(project.start, style, locale),
            "End Date": date_text(project.end, style, locale),
            "Status": local(SYSTEM, "PROJECT", "status", project.status),
            "Practice": PRACTICES[manager.cost_centre.rsplit(":", 1)[1][0]],
        }
        attributes = {
            "code": str(project.number),  # the mapping strips the "PRJ-"
            "name": name,
            "customer": reference(SYSTEM, clients[project.customer]),
            "project_manager": reference(SYSTEM, people[project.manager]),
            "billing_method": project.billing,
            "currency": project.currency,
            "start_date": project.start.isoformat(),
            "end_date": project.end.isoformat(),
            "status": project.status,
        }
        out.add(row, project.key, attributes)
    return out, ids


def _rate_cards(
    rng: random.Random, world: World, clients: dict[str, str], projects: dict[str, str]
) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "rate_cards.csv", "psa/rate_card", EntityType.RATE_CARD, RATE_CARD_HEADER,
        "Rate Card ID",
    )  # fmt: skip
    for index, card in enumerate(world.rate_cards, start=1001):
        role = ROLE_SPELLINGS.get(card.role, card.role) if rng.random() < 0.6 else card.role
        program = f"Std Rates {card.year}"
        if card.customer is not None:
            program = f"{_short_name(world.customer(card.customer))} {card.year}"
        elif card.project is not None:
            program = projects[card.project]
        suffix = f" ({card.currency})" if rng.random() < 0.3 else ""
        name = f"{role} - {program}{suffix}"
        client = clients.get(card.customer or "")
        project = projects.get(card.project or "")
        row = {
            "Rate Card ID": f"RC-{index:05d}",
            "Rate Card Name": name,
            "Role": role,
            "Currency": currency_text(card.currency, weighted(rng, CURRENCY_STYLES)),
            "Bill Rate": amount_text(card.rate, locale, grouped=rng.random() < 0.5),
            "Rate Unit": local(SYSTEM, "RATE_CARD", "unit", card.unit),
            "Effective From": date_text(card.effective_from, DateStyle.ISO, locale),
            "Effective To": date_text(card.effective_to, DateStyle.ISO, locale),
            "Client Code": client,
            "Project ID": project,
        }
        attributes = {
            "name": name,
            "role": role,
            "currency": card.currency,
            "rate": canonical_amount(card.rate),
            "unit": card.unit,
            "effective_from": card.effective_from.isoformat(),
            "effective_to": card.effective_to.isoformat(),
            "customer": reference(SYSTEM, client),
            "project": reference(SYSTEM, project),
        }
        out.add(row, card.key, attributes)
    return out

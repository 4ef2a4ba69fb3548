"""NetSuite (ERP): the customers the firm bills (sub-customers under their holding, duplicates
that finance inactivated), the projects it invoices (named "Customer : Project", numbered
20417 before the 2023 switch to PRJ20417), the employees who run projects or post to the books,
billing rate cards, and the structure (netsuite_org). Exports: saved searches, one per record
type, with NetSuite's column labels; dates as M/D/YYYY, checkboxes as Yes/No, currencies by
their record names ("Euro", "US Dollar")."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
    datetime_text,
    tax_id_text,
)
from mdm_hub.evaluation.landscape.people import billable
from mdm_hub.evaluation.landscape.places import phone_text
from mdm_hub.evaluation.landscape.spelling import company_name
from mdm_hub.evaluation.landscape.systems import netsuite_org
from mdm_hub.evaluation.landscape.systems.common import (
    Counter,
    declared_locale,
    initial,
    system_rng,
)
from mdm_hub.evaluation.landscape.systems.netsuite_org import SYSTEM, OrgIds, flag
from mdm_hub.evaluation.landscape.world import Customer, Employee, Project, Status, World

EMPLOYEE_HEADER = (
    "Internal ID", "ID", "Name", "First Name", "Middle Name", "Last Name", "Email", "Phone",
    "Job Title", "Department Internal ID", "Department", "Subsidiary Internal ID", "Subsidiary",
    "Supervisor Internal ID", "Supervisor", "Hire Date", "Release Date", "Inactive",
)  # fmt: skip
CUSTOMER_HEADER = (
    "Internal ID", "ID", "Name", "Company Name", "Parent Internal ID", "Tax Reg. Number",
    "Billing Address 1", "Billing Address 2", "Billing City", "Billing State/Province",
    "Billing Zip", "Billing Country", "Phone", "Web Address", "Email", "Currency", "Category",
    "Inactive", "Date Created", "Last Modified",
)  # fmt: skip
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
BILLED_PROJECT = 0.92  # won projects that reach the ERP
OTHER_CUSTOMER = 0.6  # customers without projects that still have an ERP record
OTHER_EMPLOYEE = 0.35  # billable people with an ERP employee record beyond the managers
DUPLICATE_CUSTOMER = 0.05  # entered twice; the second inactivated
INACTIVE_CLOSED_BEFORE = date(2024, 1, 1)  # closed projects finance has since inactivated


@dataclass
class Ids(OrgIds):
    employees: dict[str, str] = field(default_factory=dict)
    customers: dict[str, str] = field(default_factory=dict)
    customer_names: dict[str, str] = field(default_factory=dict)


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    ids = Ids()
    entities = Counter(rng, rng.randrange(900, 1500), 9)  # customers, employees, projects
    files = [
        netsuite_org.subsidiaries(world, ids),
        netsuite_org.departments(rng, world, ids),
        netsuite_org.accounts(rng, world),
    ]
    projects = [
        p
        for p in world.projects
        if p.status is not Status.PLANNED and rng.random() < BILLED_PROJECT
    ]
    managers = {p.manager for p in projects}
    staff = [
        e
        for e in world.employees
        if e.key in managers
        or e.cost_centre.endswith(":910")
        or (billable(e) and rng.random() < OTHER_EMPLOYEE)
    ]
    files.append(_employees(rng, world, staff, ids, entities))
    billed = {p.customer for p in projects}
    chosen = {c.key for c in world.customers if c.key in billed or rng.random() < OTHER_CUSTOMER}
    chosen |= {c.parent for c in world.customers if c.key in chosen and c.parent}
    clients = [c for c in world.customers if c.key in chosen]
    files.append(_customers(rng, clients, ids, entities))
    files.append(_projects(rng, world, projects, ids, entities))
    files.append(_rate_cards(rng, world, ids))
    return files


def _employees(
    rng: random.Random, world: World, staff: list[Employee], ids: Ids, entities: Counter
) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "employees.csv", "netsuite/employee", EntityType.EMPLOYEE, EMPLOYEE_HEADER,
        "Internal ID",
    )  # fmt: skip
    for employee in staff:
        ids.employees[employee.key] = str(entities.take())
    for employee in staff:
        middle = initial(employee.middle) if rng.random() < 0.7 else None
        name = " ".join(p for p in (employee.given, middle, employee.family) if p)
        manager = world.employee(employee.manager) if employee.manager else None
        supervisor = ids.employees.get(employee.manager or "")
        department = ids.departments[employee.cost_centre]
        subsidiary = ids.subsidiaries[employee.legal_entity]
        title = ROLE_SPELLINGS.get(employee.title, employee.title)
        phone = phone_text(employee.phone, "national") if rng.random() < 0.5 else None
        ended = employee.termination_date
        row = {
            "Internal ID": ids.employees[employee.key],
            "ID": f"E{employee.number:06d}",
            "Name": name,
            "First Name": employee.given,
            "Middle Name": middle,
            "Last Name": employee.family,
            "Email": employee.email,
            "Phone": phone,
            "Job Title": title,
            "Department Internal ID": department,
            "Department": ids.department_names[employee.cost_centre],
            "Subsidiary Internal ID": subsidiary,
            "Subsidiary": ids.subsidiary_names[employee.legal_entity],
            "Supervisor Internal ID": supervisor,
            "Supervisor": f"{manager.given} {manager.family}" if supervisor and manager else None,
            "Hire Date": date_text(employee.hire_date, DateStyle.NUMERIC_SHORT, locale),
            "Release Date": date_text(ended, DateStyle.NUMERIC_SHORT, locale) if ended else None,
            "Inactive": flag(ended is not None),
        }
        attributes = {
            "employee_number": row["ID"],
            "given_name": employee.given,
            "middle_name": middle,
            "family_name": employee.family,
            "email": employee.email,
            "phone": phone,
            "job_title": title,
            "cost_center": reference(SYSTEM, f"department/{department}"),
            "legal_entity": reference(SYSTEM, f"subsidiary/{subsidiary}"),
            "manager": reference(SYSTEM, supervisor),
            "hire_date": employee.hire_date.isoformat(),
            "termination_date": ended.isoformat() if ended else None,
            "status": Status.TERMINATED if ended else Status.ACTIVE,
        }
        out.add(row, employee.key, attributes, deleted=ended is not None)
    return out


def _customers(
    rng: random.Random, clients: list[Customer], ids: Ids, entities: Counter
) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "customers.csv", "netsuite/customer", EntityType.CUSTOMER, CUSTOMER_HEADER,
        "Internal ID",
    )  # fmt: skip
    for customer in clients:
        internal = _customer(rng, out, customer, ids, entities, duplicate=False)
        ids.customers[customer.key] = internal
        if rng.random() < DUPLICATE_CUSTOMER:
            _customer(rng, out, customer, ids, entities, duplicate=True)
    return out


def _customer(
    rng: random.Random,
    out: ExportBuilder,
    customer: Customer,
    ids: Ids,
    entities: Counter,
    duplicate: bool,
) -> str:
    locale = declared_locale(SYSTEM)
    internal = str(entities.take())
    name = company_name(rng, customer.name, customer.legal_form, formal=0.9)
    parent = ids.customers.get(customer.parent or "")
    path = f"{ids.customer_names[customer.parent or '']} : {name}" if parent else name
    if not duplicate:
        ids.customer_names[customer.key] = path
    address = customer.address
    tax: str | None = tax_id_text(customer.tax_id, rng.choice(("compact", "spaced")))
    tax = tax if rng.random() < 0.85 else None
    region = address.region if address.country == "US" else None
    email = f"ap@{customer.website}" if rng.random() < 0.4 else None
    inactive = duplicate or not customer.active
    created = customer.created + timedelta(days=rng.randrange(400))
    modified = datetime(2024, 1, 2, 8) + timedelta(minutes=rng.randrange(500_000))
    row = {
        "Internal ID": internal,
        "ID": f"CUST{internal}",
        "Name": path,
        "Company Name": name,
        "Parent Internal ID": parent,
        "Tax Reg. Number": tax,
        "Billing Address 1": address.street,
        "Billing Address 2": address.line2,
        "Billing City": address.city,
        "Billing State/Province": region,
        "Billing Zip": address.postal_code,
        "Billing Country": country_text(address.country, CountryStyle.NAME),
        "Phone": phone_text(customer.phone, "international"),
        "Web Address": f"https://www.{customer.website}",
        "Email": email,
        "Currency": currency_text(customer.currency, CurrencyStyle.NAME),
        "Category": customer.industry,
        "Inactive": flag(inactive),
        "Date Created": date_text(created, DateStyle.NUMERIC_SHORT, locale),
        "Last Modified": datetime_text(modified, locale),
    }
    attributes = {
        "name": name,
        "tax_id": tax,
        "address_line1": address.street,
        "address_line2": address.line2,
        "city": address.city,
        "region": region,
        "postal_code": address.postal_code,
        "country": address.country,
        "phone": row["Phone"],
        "website": row["Web Address"],
        "email": email,
        "currency": customer.currency,
        "industry": customer.industry,
        "parent": reference(SYSTEM, parent),
    }
    return out.add(row, customer.key, attributes, deleted=inactive)


def _projects(
    rng: random.Random, world: World, projects: list[Project], ids: Ids, entities: Counter
) -> ExportBuilder:
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
        inactive = project.status is Status.COMPLETED and project.end < INACTIVE_CLOSED_BEFORE
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


def _rate_cards(rng: random.Random, world: World, ids: Ids) -> ExportBuilder:
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

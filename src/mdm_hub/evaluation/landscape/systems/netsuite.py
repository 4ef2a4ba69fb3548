"""NetSuite (ERP): the customers the firm bills (sub-customers under their holding, duplicates
that finance inactivated) and the employees who run projects or post to the books; the projects
it invoices and its rate cards (netsuite_billing); the structure (netsuite_org). Exports: saved
searches, one per record type, with NetSuite's column labels; dates as M/D/YYYY, checkboxes as
Yes/No, currencies by their record names ("Euro", "US Dollar")."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CountryStyle,
    CurrencyStyle,
    DateStyle,
    country_text,
    currency_text,
    date_text,
    datetime_text,
    tax_id_text,
)
from mdm_hub.evaluation.landscape.people import billable
from mdm_hub.evaluation.landscape.places import phone_text
from mdm_hub.evaluation.landscape.spelling import company_name
from mdm_hub.evaluation.landscape.systems import netsuite_billing, netsuite_org
from mdm_hub.evaluation.landscape.systems.common import (
    Counter,
    declared_locale,
    initial,
    system_rng,
)
from mdm_hub.evaluation.landscape.systems.netsuite_org import SYSTEM, Ids, flag
from mdm_hub.evaluation.landscape.world import Customer, Employee, Status, World

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
ROLE_SPELLINGS = {"Senior Consultant": "Sr. Consultant", "Senior Manager": "Sr. Manager"}
BILLED_PROJECT = 0.92  # won projects that reach the ERP
OTHER_CUSTOMER = 0.6  # customers without projects that still have an ERP record
OTHER_EMPLOYEE = 0.35  # billable people with an ERP employee record beyond the managers
DUPLICATE_CUSTOMER = 0.05  # entered twice; the second inactivated


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
    files.append(netsuite_billing.projects(world, projects, ids, entities))
    files.append(netsuite_billing.rate_cards(rng, world, ids))
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

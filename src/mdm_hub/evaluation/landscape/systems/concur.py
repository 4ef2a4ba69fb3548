"""SAP Concur (expense): the people who file expenses, under the plain HR number (4711), with
the first name they go by and their expense approver; the cost centre and project lists
expenses are charged to. Exports: the user export and two list exports as CSV; Active Y/N,
list items retired with Delete List Item = Y."""

from __future__ import annotations

import random
from datetime import date

from mdm_hub.domain.attributes import DimensionKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import DateStyle, date_text
from mdm_hub.evaluation.landscape.spelling import abbreviated, ascii_name, maybe_typo
from mdm_hub.evaluation.landscape.systems.common import declared_locale, initial, system_rng
from mdm_hub.evaluation.landscape.vocabulary import CURRENCY
from mdm_hub.evaluation.landscape.world import AS_OF, Status, World

SYSTEM = "concur"
USER_HEADER = (
    "Employee ID", "Login ID", "First Name", "Middle Name", "Last Name", "Email Address",
    "Locale Code", "Country Code", "Reimbursement Currency", "Org Unit 1", "Org Unit 2",
    "Expense Report Approver Employee ID", "Active",
)  # fmt: skip
LIST_HEADER = ("List Name", "Level 1 Code", "Value", "Start Date", "End Date",
               "Delete List Item")  # fmt: skip
PROJECT_LIST_HEADER = ("List Name", "Level 1 Code", "Level 1 Value", "Level 2 Code", "Value",
                       "Start Date", "End Date", "Delete List Item")  # fmt: skip
LOCALES = {"US": "en_US", "GB": "en_GB", "DE": "de_DE", "ES": "es_ES"}
LIVE_FROM = date(2018, 1, 1)  # Concur went live; earlier leavers were never users
GOES_BY = 0.7  # users whose first name is the one they go by
ACCENTS_DROPPED = 0.4
EXPENSES = 0.95  # active people who ever filed an expense (and so have a user)
LIST_RETENTION_DAYS = 365  # projects closed longer ago are taken off the list


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    return [_users(rng, world), _cost_centers(world), _projects(rng, world)]


def _users(rng: random.Random, world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "users.csv", "concur/user", EntityType.EMPLOYEE, USER_HEADER, "Employee ID"
    )
    users = [
        e
        for e in world.employees
        if (e.termination_date is None and rng.random() < EXPENSES)
        or (e.termination_date is not None and e.termination_date >= LIVE_FROM)
    ]
    present = {e.key for e in users}
    for employee in users:
        country = employee.legal_entity.rsplit(":", 1)[1]
        first = employee.first_name if rng.random() < GOES_BY else employee.given
        family = employee.family
        if rng.random() < ACCENTS_DROPPED:
            first, family = ascii_name(first), ascii_name(family)
        family = maybe_typo(rng, family, 0.02)
        middle = initial(employee.middle)
        login = employee.email
        if rng.random() < 0.3:  # typed with capitals when the user was set up
            local_part, domain = login.split("@")
            login = ".".join(p.capitalize() for p in local_part.split(".")) + "@" + domain
        email = login if rng.random() < 0.9 else None
        status = Status.TERMINATED if employee.termination_date else Status.ACTIVE
        approver = employee.manager if employee.manager in present else None
        centre = world.dimension(employee.cost_centre).code
        row = {
            "Employee ID": str(employee.number),
            "Login ID": login,
            "First Name": first,
            "Middle Name": middle,
            "Last Name": family,
            "Email Address": email,
            "Locale Code": LOCALES[country],
            "Country Code": country,
            "Reimbursement Currency": CURRENCY[country],
            "Org Unit 1": f"{country}01",
            "Org Unit 2": centre,
            "Expense Report Approver Employee ID": (
                str(world.employee(approver).number) if approver else None
            ),
            "Active": local(SYSTEM, "EMPLOYEE", "status", status),
        }
        attributes = {
            "employee_number": row["Employee ID"],
            "given_name": first,
            "middle_name": middle,
            "family_name": family,
            "email": email or login,  # the mapping takes the first of Email Address, Login ID
            "country": country,
            "cost_center": reference(SYSTEM, centre),
            "manager": reference(SYSTEM, row["Expense Report Approver Employee ID"]),
            "status": status,
        }
        out.add(row, employee.key, attributes)
    return out


def _cost_centers(world: World) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "cost_centers.csv", "concur/cost_center", EntityType.ACCOUNTING_DIMENSION,
        LIST_HEADER, "Level 1 Code",
    )  # fmt: skip
    for centre in world.of_kind(DimensionKind.COST_CENTER):
        row = {
            "List Name": "Cost Centers",
            "Level 1 Code": centre.code,
            "Value": centre.name,
            "Start Date": date_text(LIVE_FROM, DateStyle.NUMERIC, locale),
            "End Date": None if centre.active else date_text(AS_OF, DateStyle.NUMERIC, locale),
            "Delete List Item": "N" if centre.active else "Y",
        }
        attributes = {"kind": DimensionKind.COST_CENTER, "code": centre.code, "name": centre.name}
        out.add(row, centre.key, attributes, deleted=not centre.active)
    return out


def _projects(rng: random.Random, world: World) -> ExportBuilder:
    """Projects people can charge expenses to: open ones and those closed within the year;
    some closed ones already retired from the list."""
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "projects.csv", "concur/project", EntityType.PROJECT, PROJECT_LIST_HEADER,
        "Level 2 Code",
    )  # fmt: skip
    for project in world.projects:
        if project.status is Status.PLANNED:
            continue
        if (AS_OF - project.end).days > LIST_RETENTION_DAYS:
            continue
        customer = world.customer(project.customer)
        closed = project.status is Status.CLOSED
        retired = closed and rng.random() < 0.5
        name = abbreviated(project.name) if rng.random() < 0.3 else project.name
        row = {
            "List Name": "Projects",
            "Level 1 Code": "".join(c for c in customer.stem.upper() if c.isalpha())[:8],
            "Level 1 Value": customer.name,
            "Level 2 Code": str(project.number),
            "Value": name,
            "Start Date": date_text(project.start, DateStyle.NUMERIC, locale),
            "End Date": date_text(project.end, DateStyle.NUMERIC, locale),
            "Delete List Item": "Y" if retired else "N",
        }
        attributes = {
            "code": str(project.number),
            "name": name,
            "start_date": project.start.isoformat(),
            "end_date": project.end.isoformat(),
        }
        out.add(row, project.key, attributes, deleted=retired)
    return out

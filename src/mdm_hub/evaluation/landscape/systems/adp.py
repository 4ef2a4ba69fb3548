"""ADP Workforce Now (payroll): the US company's workers only (other countries run local
payroll), under ADP's own Associate IDs with the HR number as a six-digit File Number; names
without accents; statuses A/T/L; departments and cost numbers in one validation table (Dept /
CC); the payroll GL accounts. Exports: WFN custom reports as CSV in Windows-1252, with ADP's
field names; descriptions in capitals as ADP keeps them."""

from __future__ import annotations

import random
import string

from mdm_hub.domain.attributes import DimensionKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import CountryStyle, DateStyle, country_text, date_text
from mdm_hub.evaluation.landscape.spelling import ascii_name, maybe_typo
from mdm_hub.evaluation.landscape.systems.common import declared_locale, system_rng
from mdm_hub.evaluation.landscape.world import Dimension, Status, World

SYSTEM = "adp"
ENCODING = "cp1252"
COMPANY_CODE = "BXC"
PAYROLL_COUNTRY = "US"
WORKER_HEADER = (
    "Associate ID", "Position ID", "File Number", "Payroll Company Code", "Legal First Name",
    "Legal Middle Name", "Legal Last Name", "Preferred First Name", "Birth Date", "Hire Date",
    "Termination Date", "Position Status", "Job Title Description", "Home Department Code",
    "Home Department Description", "Home Cost Number Code", "Reports To Associate ID",
    "Reports To Legal Name", "Work Contact: Work Email", "Primary Address: Address Line 1",
    "Primary Address: City", "Primary Address: State / Territory Code",
    "Primary Address: Zip / Postal Code", "Primary Address: Country Code",
    "Location Description",
)  # fmt: skip
DEPARTMENT_HEADER = ("Company Code", "Type", "Code", "Description", "Status")
GL_HEADER = ("Company Code", "GL Account Number", "GL Account Description", "Debit/Credit")
DESCRIPTION_LENGTH = 20  # ADP cuts validation-table descriptions at 20 characters
TITLE_WORDS = {"Senior": "SR", "Manager": "MGR", "Consultant": "CONSULTANT"}
WORK_EMAIL = 0.85


def associate_id(rng: random.Random) -> str:
    return "G" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(15))


def file_number(number: int) -> str:
    return f"{number:06d}"


def cost_number(code: str) -> str:
    return f"{int(code):06d}"


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    return [_workers(rng, world), _departments(world), _gl_accounts(world)]


def _title(title: str) -> str:
    return " ".join(TITLE_WORDS.get(word, word) for word in title.split()).upper()


def _department_of(world: World, centre: Dimension) -> Dimension:
    return world.dimension(centre.parent or "")


def _workers(rng: random.Random, world: World) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "workers.csv", "adp/worker", EntityType.EMPLOYEE, WORKER_HEADER, "Associate ID",
        encoding=ENCODING,
    )  # fmt: skip
    staff = [e for e in world.employees if e.legal_entity.endswith(f":{PAYROLL_COUNTRY}")]
    ids = {e.key: associate_id(rng) for e in staff}
    for employee in staff:
        given = ascii_name(employee.given)
        family = maybe_typo(rng, ascii_name(employee.family), 0.03)
        middle = ascii_name(employee.middle) if employee.middle else None
        ended = employee.termination_date
        centre = world.dimension(employee.cost_centre)
        department = _department_of(world, centre)
        manager = world.employee(employee.manager) if employee.manager else None
        reports_to = ids.get(employee.manager or "")
        email = employee.email if rng.random() < WORK_EMAIL else None
        home = employee.home
        row = {
            "Associate ID": ids[employee.key],
            "Position ID": f"{COMPANY_CODE}{file_number(employee.number)}",
            "File Number": file_number(employee.number),
            "Payroll Company Code": COMPANY_CODE,
            "Legal First Name": given,
            "Legal Middle Name": middle,
            "Legal Last Name": family,
            "Preferred First Name": employee.preferred,
            "Birth Date": date_text(employee.birth_date, DateStyle.NUMERIC, locale),
            "Hire Date": date_text(employee.hire_date, DateStyle.NUMERIC, locale),
            "Termination Date": date_text(ended, DateStyle.NUMERIC, locale) if ended else None,
            "Position Status": local(SYSTEM, "EMPLOYEE", "status", employee.status),
            "Job Title Description": _title(employee.title),
            "Home Department Code": department.code,
            "Home Department Description": department.name.upper(),
            "Home Cost Number Code": cost_number(centre.code),
            "Reports To Associate ID": reports_to,
            "Reports To Legal Name": (
                f"{ascii_name(manager.family)}, {ascii_name(manager.given)}"
                if reports_to and manager
                else None
            ),
            "Work Contact: Work Email": email,
            "Primary Address: Address Line 1": home.street,
            "Primary Address: City": home.city,
            "Primary Address: State / Territory Code": home.region,
            "Primary Address: Zip / Postal Code": home.postal_code,
            "Primary Address: Country Code": country_text(home.country, CountryStyle.ALPHA3),
            "Location Description": employee.office.upper(),
        }
        attributes = {
            "employee_number": row["File Number"],
            "given_name": given,
            "middle_name": middle,
            "family_name": family,
            "birth_date": employee.birth_date.isoformat(),
            "hire_date": employee.hire_date.isoformat(),
            "termination_date": ended.isoformat() if ended else None,
            "status": employee.status,
            "job_title": row["Job Title Description"],
            "cost_center": reference(SYSTEM, row["Home Cost Number Code"]),
            "manager": reference(SYSTEM, reports_to),
            "email": email,
            "address_line1": home.street,
            "city": home.city,
            "region": home.region,
            "postal_code": home.postal_code,
            "country": home.country,
            "location": row["Location Description"],
        }
        out.add(row, employee.key, attributes)
    return out


def _departments(world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "departments.csv", "adp/department", EntityType.ACCOUNTING_DIMENSION,
        DEPARTMENT_HEADER, "Code", encoding=ENCODING,
    )  # fmt: skip
    units = world.of_kind(DimensionKind.DEPARTMENT) + world.of_kind(DimensionKind.COST_CENTER)
    for unit in units:
        centre = unit.kind is DimensionKind.COST_CENTER
        code = cost_number(unit.code) if centre else unit.code
        name = unit.name.upper()[:DESCRIPTION_LENGTH].rstrip()
        status = Status.ACTIVE if unit.active else Status.INACTIVE
        row = {
            "Company Code": COMPANY_CODE,
            "Type": local(SYSTEM, "ACCOUNTING_DIMENSION", "kind", unit.kind),
            "Code": code,
            "Description": name,
            "Status": local(SYSTEM, "ACCOUNTING_DIMENSION", "status", status),
        }
        attributes = {"kind": unit.kind, "code": code, "name": name, "status": status}
        out.add(row, unit.key, attributes)
    return out


def _gl_accounts(world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "gl_accounts.csv", "adp/gl_account", EntityType.ACCOUNTING_DIMENSION, GL_HEADER,
        "GL Account Number", encoding=ENCODING,
    )  # fmt: skip
    for account in world.of_kind(DimensionKind.GL_ACCOUNT):
        if not account.payroll:
            continue
        name = account.name.upper().replace(" AND ", " & ")
        row = {
            "Company Code": COMPANY_CODE,
            "GL Account Number": account.code,
            "GL Account Description": name,
            "Debit/Credit": "C" if account.code.startswith("2") else "D",
        }
        attributes = {"kind": DimensionKind.GL_ACCOUNT, "code": account.code, "name": name}
        out.add(row, account.key, attributes)
    return out

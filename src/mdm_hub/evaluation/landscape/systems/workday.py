"""Workday (HRIS): every worker who was ever employed, under legal names with the preferred name
beside them, with home address, manager, cost centre and company; the cost centres (a closed one
flagged inactive) and the companies. Exports: custom reports as CSV, with the report's column
aliases (Employee_ID, Legal_Name_First_Name, ...); dates MM/DD/YYYY; flags 1/0."""

from __future__ import annotations

import random

from mdm_hub.domain.attributes import DimensionKind
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local
from mdm_hub.evaluation.landscape.exports import ExportBuilder, reference
from mdm_hub.evaluation.landscape.formats import (
    CountryStyle,
    DateStyle,
    country_text,
    date_text,
)
from mdm_hub.evaluation.landscape.places import phone_text
from mdm_hub.evaluation.landscape.systems.common import declared_locale, system_rng
from mdm_hub.evaluation.landscape.world import Employee, World

SYSTEM = "workday"
WORKER_HEADER = (
    "Employee_ID", "Worker_Type", "Legal_Name_First_Name", "Legal_Name_Middle_Name",
    "Legal_Name_Last_Name", "Preferred_Name_First_Name", "Primary_Work_Email",
    "Primary_Work_Phone", "Date_of_Birth", "Hire_Date", "Termination_Date", "Worker_Status",
    "Business_Title", "Manager_Employee_ID", "Cost_Center_Reference_ID",
    "Company_Reference_ID", "Location", "Primary_Home_Address_Line_1",
    "Primary_Home_Address_City", "Primary_Home_Address_Region",
    "Primary_Home_Address_Postal_Code", "Primary_Home_Address_Country",
)  # fmt: skip
COST_CENTER_HEADER = ("Cost_Center_Reference_ID", "Cost_Center_Name", "Inactive")
COMPANY_HEADER = ("Company_Reference_ID", "Company_Code", "Company_Name", "Currency",
                  "Country_ISO_Code", "Inactive")  # fmt: skip
OFFICE_SUFFIX = " Office"


def employee_id(employee: Employee) -> str:
    return f"E{employee.number:06d}"


def cost_center_id(code: str) -> str:
    return f"CC-{code}"


def company_id(code: str) -> str:
    return f"BCG_{code}"


def export(world: World, seed: int) -> list[ExportBuilder]:
    rng = system_rng(seed, SYSTEM)
    return [_workers(rng, world), _cost_centers(world), _companies(world)]


def _country(alpha2: str) -> str:
    """Workday names countries in full: "United States of America", "Germany"."""
    style = CountryStyle.OFFICIAL if alpha2 == "US" else CountryStyle.NAME
    return country_text(alpha2, style)


def _workers(rng: random.Random, world: World) -> ExportBuilder:
    locale = declared_locale(SYSTEM)
    out = ExportBuilder(
        SYSTEM, "workers.csv", "workday/worker", EntityType.EMPLOYEE, WORKER_HEADER, "Employee_ID"
    )
    for employee in sorted(world.employees, key=lambda e: e.number):
        home = employee.home
        ended = employee.termination_date
        middle = employee.middle if rng.random() < 0.9 else None
        manager = world.employee(employee.manager) if employee.manager else None
        centre = cost_center_id(world.dimension(employee.cost_centre).code)
        company = company_id(world.dimension(employee.legal_entity).code)
        phone = phone_text(employee.phone, "international")
        row = {
            "Employee_ID": employee_id(employee),
            "Worker_Type": "Employee",
            "Legal_Name_First_Name": employee.given,
            "Legal_Name_Middle_Name": middle,
            "Legal_Name_Last_Name": employee.family,
            "Preferred_Name_First_Name": employee.preferred,
            "Primary_Work_Email": employee.email,
            "Primary_Work_Phone": phone,
            "Date_of_Birth": date_text(employee.birth_date, DateStyle.NUMERIC, locale),
            "Hire_Date": date_text(employee.hire_date, DateStyle.NUMERIC, locale),
            "Termination_Date": date_text(ended, DateStyle.NUMERIC, locale) if ended else None,
            "Worker_Status": local(SYSTEM, "EMPLOYEE", "status", employee.status),
            "Business_Title": employee.title,
            "Manager_Employee_ID": employee_id(manager) if manager else None,
            "Cost_Center_Reference_ID": centre,
            "Company_Reference_ID": company,
            "Location": employee.office + OFFICE_SUFFIX,
            "Primary_Home_Address_Line_1": home.street,
            "Primary_Home_Address_City": home.city,
            "Primary_Home_Address_Region": home.region,
            "Primary_Home_Address_Postal_Code": home.postal_code,
            "Primary_Home_Address_Country": _country(home.country),
        }
        attributes = {
            "employee_number": row["Employee_ID"],
            "given_name": employee.given,
            "middle_name": middle,
            "family_name": employee.family,
            "email": employee.email,
            "phone": phone,
            "birth_date": employee.birth_date.isoformat(),
            "hire_date": employee.hire_date.isoformat(),
            "termination_date": ended.isoformat() if ended else None,
            "status": employee.status,
            "job_title": employee.title,
            "manager": reference(SYSTEM, row["Manager_Employee_ID"]),
            "cost_center": reference(SYSTEM, centre),
            "legal_entity": reference(SYSTEM, company),
            "location": row["Location"],
            "address_line1": home.street,
            "city": home.city,
            "region": home.region,
            "postal_code": home.postal_code,
            "country": home.country,
        }
        out.add(row, employee.key, attributes)
    return out


def _cost_centers(world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "cost_centers.csv", "workday/cost_center", EntityType.ACCOUNTING_DIMENSION,
        COST_CENTER_HEADER, "Cost_Center_Reference_ID",
    )  # fmt: skip
    for centre in world.of_kind(DimensionKind.COST_CENTER):
        reference_id = cost_center_id(centre.code)
        row = {
            "Cost_Center_Reference_ID": reference_id,
            "Cost_Center_Name": centre.name,
            "Inactive": "0" if centre.active else "1",
        }
        attributes = {"kind": DimensionKind.COST_CENTER, "code": reference_id, "name": centre.name}
        out.add(row, centre.key, attributes, deleted=not centre.active)
    return out


def _companies(world: World) -> ExportBuilder:
    out = ExportBuilder(
        SYSTEM, "companies.csv", "workday/company", EntityType.ACCOUNTING_DIMENSION,
        COMPANY_HEADER, "Company_Reference_ID",
    )  # fmt: skip
    for entity in world.of_kind(DimensionKind.LEGAL_ENTITY):
        code = f"{entity.code}01"
        row = {
            "Company_Reference_ID": company_id(entity.code),
            "Company_Code": code,
            "Company_Name": entity.name,
            "Currency": entity.currency,
            "Country_ISO_Code": country_text(entity.country or "US", CountryStyle.ALPHA3),
            "Inactive": "0",
        }
        attributes = {
            "kind": DimensionKind.LEGAL_ENTITY,
            "code": code,
            "name": entity.name,
            "currency": entity.currency,
        }
        out.add(row, entity.key, attributes)
    return out

"""The firm's accounting dimensions: a US parent with three foreign subsidiaries, three
departments over fifteen cost centres (one of them closed), and a chart of accounts with header
accounts. Fixed, as a firm's structure is: only the people and clients change with the seed."""

from __future__ import annotations

from mdm_hub.domain.attributes import DimensionKind
from mdm_hub.evaluation.landscape.world import Dimension

FIRM = "Brightline Consulting Group"

# code, registered name, country, currency, parent code
LEGAL_ENTITIES = (
    ("US", "Brightline Consulting Group, Inc.", "US", "USD", None),
    ("GB", "Brightline Consulting Ltd", "GB", "GBP", "US"),
    ("DE", "Brightline Beratung GmbH", "DE", "EUR", "US"),
    ("ES", "Brightline Consultoría S.L.", "ES", "EUR", "US"),
)
DEPARTMENTS = (("CONS", "Consulting"), ("TECH", "Technology"), ("CORP", "Corporate Services"))
# number, name, department, billable, active. 215 was folded into 210 (a closed look-alike).
COST_CENTRES = (
    ("110", "Strategy", "CONS", True, True),
    ("120", "Finance Transformation", "CONS", True, True),
    ("130", "Operations Excellence", "CONS", True, True),
    ("140", "Risk & Compliance", "CONS", True, True),
    ("150", "People Advisory", "CONS", True, True),
    ("210", "Data & Analytics", "TECH", True, True),
    ("215", "Analytics", "TECH", True, False),
    ("220", "Cloud Engineering", "TECH", True, True),
    ("230", "Cybersecurity", "TECH", True, True),
    ("240", "ERP Implementation", "TECH", True, True),
    ("910", "Finance", "CORP", False, True),
    ("920", "People & Talent", "CORP", False, True),
    ("930", "IT", "CORP", False, True),
    ("940", "Marketing", "CORP", False, True),
    ("950", "Legal", "CORP", False, True),
)
# number, name, parent number, NetSuite account type, posted by payroll
GL_ACCOUNTS = (
    ("1100", "Cash and Cash Equivalents", None, "Bank", False),
    ("1200", "Accounts Receivable", None, "Accounts Receivable", False),
    ("2100", "Accrued Payroll", None, "Other Current Liability", True),
    ("2110", "Payroll Taxes Payable", "2100", "Other Current Liability", True),
    ("2120", "Benefits Payable", "2100", "Other Current Liability", True),
    ("4000", "Revenue", None, "Income", False),
    ("4100", "Professional Fees", "4000", "Income", False),
    ("4200", "Reimbursable Expenses Billed", "4000", "Income", False),
    ("5000", "Cost of Services", None, "Cost of Goods Sold", False),
    ("5100", "Billable Salaries", "5000", "Cost of Goods Sold", True),
    ("5200", "Subcontractors", "5000", "Cost of Goods Sold", False),
    ("6000", "Operating Expenses", None, "Expense", False),
    ("6100", "Salaries and Wages", "6000", "Expense", True),
    ("6110", "Payroll Taxes", "6000", "Expense", True),
    ("6120", "Employee Benefits", "6000", "Expense", True),
    ("6200", "Travel", "6000", "Expense", False),
    ("6210", "Airfare", "6200", "Expense", False),
    ("6220", "Lodging", "6200", "Expense", False),
    ("6230", "Meals & Entertainment", "6200", "Expense", False),
    ("6300", "Software Subscriptions", "6000", "Expense", False),
    ("6400", "Training", "6000", "Expense", False),
)
BILLABLE_DEPARTMENTS = ("CONS", "TECH")


def dimension_key(kind: DimensionKind, code: str) -> str:
    return f"dimension:{kind.value.lower()}:{code}"


def legal_entity_key(code: str) -> str:
    return dimension_key(DimensionKind.LEGAL_ENTITY, code)


def cost_centre_key(code: str) -> str:
    return dimension_key(DimensionKind.COST_CENTER, code)


def department_key(code: str) -> str:
    return dimension_key(DimensionKind.DEPARTMENT, code)


def firm_dimensions() -> list[Dimension]:
    entities = [
        Dimension(
            legal_entity_key(code),
            DimensionKind.LEGAL_ENTITY,
            code,
            name,
            parent=legal_entity_key(parent) if parent else None,
            currency=currency,
            country=country,
        )
        for code, name, country, currency, parent in LEGAL_ENTITIES
    ]
    departments = [
        Dimension(department_key(code), DimensionKind.DEPARTMENT, code, name)
        for code, name in DEPARTMENTS
    ]
    cost_centres = [
        Dimension(
            cost_centre_key(code),
            DimensionKind.COST_CENTER,
            code,
            name,
            parent=department_key(department),
            active=active,
        )
        for code, name, department, _, active in COST_CENTRES
    ]
    accounts = [
        Dimension(
            dimension_key(DimensionKind.GL_ACCOUNT, number),
            DimensionKind.GL_ACCOUNT,
            number,
            name,
            parent=dimension_key(DimensionKind.GL_ACCOUNT, parent) if parent else None,
            account_type=account_type,
            payroll=payroll,
        )
        for number, name, parent, account_type, payroll in GL_ACCOUNTS
    ]
    return entities + departments + cost_centres + accounts


def billable_cost_centres() -> list[str]:
    return [
        cost_centre_key(code)
        for code, _, _, billable, active in COST_CENTRES
        if billable and active
    ]


def corporate_cost_centres() -> list[str]:
    return [
        cost_centre_key(code)
        for code, _, _, billable, active in COST_CENTRES
        if not billable and active
    ]

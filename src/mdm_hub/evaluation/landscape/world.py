"""The real-world things of one generated firm, before any system has written them down: its
legal entities, departments, cost centres and GL accounts; its customers; its people; its
projects and rate cards. Each has a key that labels every system's record of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from mdm_hub.domain.attributes import BillingMethod, DimensionKind, RateUnit

# The landscape's "today": statuses and end dates are relative to it, so a seed always gives
# the same files.
AS_OF = date(2025, 6, 30)


class Status(StrEnum):
    """Canonical status codes the landscape's records carry once the hub has read them."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    LEAVE = "LEAVE"
    TERMINATED = "TERMINATED"
    PLANNED = "PLANNED"
    ON_HOLD = "ON_HOLD"
    CLOSED = "CLOSED"


@dataclass(frozen=True)
class Address:
    street: str  # number and street, as the person who typed it first wrote it
    line2: str | None
    city: str
    postal_code: str
    region: str | None
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Dimension:
    key: str
    kind: DimensionKind
    code: str  # the firm's own code: "120" (cost centre), "CONS", "6210", "US"
    name: str
    parent: str | None = None
    active: bool = True
    currency: str | None = None  # legal entities
    country: str | None = None  # legal entities
    account_type: str | None = None  # GL accounts
    payroll: bool = False  # GL accounts that payroll posts to


@dataclass(frozen=True)
class Customer:
    key: str
    stem: str  # "Northwind"
    name: str  # "Northwind Logistics": the trading name, without its legal form
    legal_form: str  # "GmbH"
    address: Address
    tax_id: str  # with its country prefix, as python-stdnum validates it
    website: str  # "northwindlogistics.com"
    phone: str  # E.164
    industry: str
    currency: str
    parent: str | None
    active: bool
    created: date

    @property
    def legal_name(self) -> str:
        return f"{self.name} {self.legal_form}"

    @property
    def country(self) -> str:
        return self.address.country


@dataclass(frozen=True)
class Employee:
    key: str
    number: int  # the HR number every system writes its own way: E004711, 004711, 4711
    given: str
    middle: str | None
    family: str
    preferred: str | None  # a nickname the person goes by ("Bob")
    birth_date: date
    hire_date: date
    termination_date: date | None
    status: Status
    title: str
    level: str | None  # the billable role (rate card role); None for corporate staff
    manager: str | None
    cost_centre: str  # dimension key
    legal_entity: str  # dimension key
    email: str
    phone: str  # E.164
    home: Address
    office: str

    @property
    def first_name(self) -> str:
        """The name colleagues use."""
        return self.preferred or self.given


@dataclass(frozen=True)
class Project:
    key: str
    number: int  # 20417
    name: str  # "Finance Transformation"
    customer: str
    manager: str
    billing: BillingMethod
    currency: str
    start: date
    end: date
    status: Status


@dataclass(frozen=True)
class RateCard:
    key: str
    role: str
    currency: str
    rate: Decimal
    unit: RateUnit
    year: int
    customer: str | None = None  # negotiated rates of one customer
    project: str | None = None  # rates agreed for one project

    @property
    def effective_from(self) -> date:
        return date(self.year, 1, 1)

    @property
    def effective_to(self) -> date:
        return date(self.year, 12, 31)


@dataclass
class World:
    firm: str
    dimensions: list[Dimension]
    customers: list[Customer]
    prospects: list[Customer]  # in the CRM only, and left out by its mapping
    employees: list[Employee]
    projects: list[Project]
    rate_cards: list[RateCard]

    @cached_property
    def by_key(self) -> dict[str, Dimension | Customer | Employee | Project | RateCard]:
        things: list[Dimension | Customer | Employee | Project | RateCard] = [
            *self.dimensions,
            *self.customers,
            *self.prospects,
            *self.employees,
            *self.projects,
            *self.rate_cards,
        ]
        return {thing.key: thing for thing in things}

    def dimension(self, key: str) -> Dimension:
        found = self.by_key[key]
        assert isinstance(found, Dimension)
        return found

    def customer(self, key: str) -> Customer:
        found = self.by_key[key]
        assert isinstance(found, Customer)
        return found

    def employee(self, key: str) -> Employee:
        found = self.by_key[key]
        assert isinstance(found, Employee)
        return found

    def project(self, key: str) -> Project:
        found = self.by_key[key]
        assert isinstance(found, Project)
        return found

    def of_kind(self, kind: DimensionKind) -> list[Dimension]:
        return [d for d in self.dimensions if d.kind is kind]

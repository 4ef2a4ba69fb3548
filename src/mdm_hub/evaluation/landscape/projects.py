"""The firm's engagements: projects for its customers, each run by a manager from a billable
cost centre, with second phases (same client, same name, "Phase 2") and the same engagement name
sold to different clients as look-alikes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from mdm_hub.domain.attributes import BillingMethod
from mdm_hub.evaluation.landscape.people import billable
from mdm_hub.evaluation.landscape.vocabulary import PROJECT_NAMES
from mdm_hub.evaluation.landscape.world import AS_OF, Customer, Employee, Project, Status

BILLING = (
    (BillingMethod.TIME_AND_MATERIALS, 50),
    (BillingMethod.FIXED_FEE, 25),
    (BillingMethod.MILESTONE, 15),
    (BillingMethod.RETAINER, 10),
)
MANAGER_LEVELS = ("Manager", "Senior Manager", "Director")
FIRST_START = date(2021, 1, 4)
LAST_START = date(2025, 10, 1)
SECOND_PHASE = 0.15
ON_HOLD = 0.08
FIRST_NUMBER = 20011


def generate_projects(
    rng: random.Random, count: int, customers: list[Customer], staff: list[Employee]
) -> list[Project]:
    managers = [e for e in staff if e.level in MANAGER_LEVELS and billable(e)]
    projects: list[Project] = []
    while len(projects) < count:
        customer = rng.choice(customers)
        start = FIRST_START + timedelta(days=rng.randrange((LAST_START - FIRST_START).days))
        if not customer.active and start > date(2023, 6, 1):
            continue  # a former client: its work is in the past
        manager = _manager(rng, managers, start)
        if manager is None:
            continue
        name = rng.choice(PROJECT_NAMES)
        projects.append(_project(rng, customer, manager, name, start))
        if rng.random() < SECOND_PHASE and len(projects) < count:
            follow_on = projects[-1].end + timedelta(days=rng.randrange(1, 60))
            successor = _manager(rng, managers, follow_on) or manager
            projects.append(_project(rng, customer, successor, f"{name} - Phase 2", follow_on))
    projects.sort(key=lambda p: p.start)
    number = FIRST_NUMBER
    numbered = []
    for project in projects:  # numbered in the order they were opened
        number += rng.randrange(1, 40)
        numbered.append(replace(project, key=f"project:{number}", number=number))
    return numbered


def _manager(rng: random.Random, managers: list[Employee], start: date) -> Employee | None:
    """A manager employed when the project starts, and still employed if it is not over."""
    fit = [
        m
        for m in managers
        if m.hire_date <= start
        and (m.termination_date is None or m.termination_date > min(start + timedelta(90), AS_OF))
    ]
    return rng.choice(fit) if fit else None


def _project(
    rng: random.Random, customer: Customer, manager: Employee, name: str, start: date
) -> Project:
    end = start + timedelta(days=rng.randrange(60, 540))
    if manager.termination_date is not None:
        end = min(end, manager.termination_date)
    if start > AS_OF:
        status = Status.PLANNED
    elif end < AS_OF:
        status = Status.CLOSED
    else:
        status = Status.ON_HOLD if rng.random() < ON_HOLD else Status.ACTIVE
    billing = rng.choices([b for b, _ in BILLING], [w for _, w in BILLING])[0]
    return Project(
        "",
        0,
        name,
        customer.key,
        manager.key,
        billing,
        customer.currency,
        start,
        end,
        status,
    )

"""The firm's people: a managing partner, department heads, a pyramid of consultants in the
billable cost centres and corporate staff in the others; leavers and people on leave; everyone's
manager; and namesakes (two different people called Michael Smith)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from mdm_hub.evaluation.landscape import places
from mdm_hub.evaluation.landscape.dimensions import (
    BILLABLE_DEPARTMENTS,
    billable_cost_centres,
    corporate_cost_centres,
    cost_centre_key,
    legal_entity_key,
)
from mdm_hub.evaluation.landscape.spelling import ascii_name, nicknames
from mdm_hub.evaluation.landscape.vocabulary import COMMON_NAMES, FAMILY_NAMES, GIVEN_NAMES
from mdm_hub.evaluation.landscape.world import AS_OF, Employee, Status

EMAIL_DOMAIN = "brightline.com"
# Billable levels (the rate card roles), most junior first, with how many of a hundred hold each.
LEVELS = (
    ("Analyst", 18), ("Consultant", 25), ("Senior Consultant", 20), ("Manager", 15),
    ("Senior Manager", 10), ("Director", 7), ("Partner", 5),
)  # fmt: skip
LEVEL_RANK = {level: rank for rank, (level, _) in enumerate(LEVELS)}
# Corporate titles by cost centre, with a rank on the same scale as the levels.
CORPORATE_TITLES = {
    "910": (("Accountant", 1), ("Senior Accountant", 2), ("Financial Analyst", 2),
            ("Controller", 4)),
    "920": (("Recruiter", 1), ("HR Business Partner", 2), ("Head of People", 5)),
    "930": (("IT Support Specialist", 0), ("Systems Engineer", 2), ("IT Manager", 4)),
    "940": (("Content Specialist", 1), ("Marketing Manager", 3)),
    "950": (("Paralegal", 0), ("Counsel", 3)),
}  # fmt: skip
ENTITY_SHARE = (("US", 50), ("GB", 20), ("DE", 20), ("ES", 10))
OFFICES = {
    "US": ("New York", "Chicago", "Boston"),
    "GB": ("London", "Manchester"),
    "DE": ("Frankfurt am Main", "München", "Berlin"),
    "ES": ("Madrid", "Barcelona"),
}
LANGUAGE = {"US": "en", "GB": "en", "DE": "de", "ES": "es"}
OTHER_LANGUAGE = 0.1  # a US employee with a Spanish name, a German one with an English name
MIDDLE_NAME = {"en": 0.4, "de": 0.15, "es": 0.0}
GOES_BY_NICKNAME = 0.25
TERMINATED = 0.12
ON_LEAVE = 0.03
SAME_COST_CENTRE_MANAGER = 0.7
FIRST_HIRE = date(2010, 1, 4)
# The heads: (title, level, cost centre); the first is the managing partner, who outranks all.
HEADS = (
    ("Managing Partner", "Partner", "110"),
    ("Partner", "Partner", "120"),
    ("Partner", "Partner", "210"),
    ("Chief Financial Officer", None, "910"),
)
TOP_RANK = len(LEVELS)
HEAD_RANK = len(LEVELS) - 1


def generate_employees(rng: random.Random, count: int) -> list[Employee]:
    staff = [_head(rng, i, *head) for i, head in enumerate(HEADS)]
    staff += [_employee(rng, len(HEADS) + i) for i in range(count - len(HEADS))]
    numbers = rng.sample(range(1001, 9999), len(staff))
    staff = [replace(e, number=n, key=f"employee:{n}") for e, n in zip(staff, numbers, strict=True)]
    staff = _namesakes(rng, staff, max(2, count // 60))
    staff = _emails(staff)
    return _managers(rng, staff)


def _rank(employee: Employee) -> int:
    if employee.title == HEADS[0][0]:
        return TOP_RANK
    if employee.level is not None:
        return LEVEL_RANK[employee.level]
    code = employee.cost_centre.rsplit(":", 1)[1]
    return dict(CORPORATE_TITLES.get(code, ())).get(employee.title, HEAD_RANK)


def _department(employee: Employee) -> str:
    code = employee.cost_centre.rsplit(":", 1)[1]
    return {"1": "CONS", "2": "TECH"}.get(code[0], "CORP")


def _person(rng: random.Random, key: int, country: str) -> Employee:
    language = LANGUAGE[country]
    if rng.random() < OTHER_LANGUAGE:
        language = "es" if country == "US" else "en"
    given = rng.choice(GIVEN_NAMES[language])
    family = rng.choice(FAMILY_NAMES[language])
    if language == "es":
        family = f"{family} {rng.choice(FAMILY_NAMES['es'])}"
    middle = None
    if rng.random() < MIDDLE_NAME[language]:
        middle = rng.choice([g for g in GIVEN_NAMES[language] if g != given])
    preferred = None
    short = nicknames(given) if language == "en" else []
    if short and rng.random() < GOES_BY_NICKNAME:
        preferred = rng.choice(short)
    hire = FIRST_HIRE + timedelta(days=rng.randrange((AS_OF - FIRST_HIRE).days - 30))
    birth = hire - timedelta(days=rng.randrange(22 * 365, 56 * 365))
    status, ended = Status.ACTIVE, None
    if rng.random() < TERMINATED and (AS_OF - hire).days > 200:
        status = Status.TERMINATED
        ended = hire + timedelta(days=rng.randrange(180, (AS_OF - hire).days))
    elif rng.random() < ON_LEAVE:
        status = Status.LEAVE
    return Employee(
        key=str(key),
        number=0,
        given=given,
        middle=middle,
        family=family,
        preferred=preferred,
        birth_date=birth,
        hire_date=hire,
        termination_date=ended,
        status=status,
        title="",
        level=None,
        manager=None,
        cost_centre="",
        legal_entity=legal_entity_key(country),
        email="",
        phone=places.phone(rng, country),
        home=places.address(rng, country),
        office=rng.choice(OFFICES[country]),
    )


def _head(rng: random.Random, key: int, title: str, level: str | None, centre: str) -> Employee:
    country = "US" if key in (0, 3) else rng.choice(("US", "GB", "DE"))
    person = _person(rng, key, country)
    return replace(
        person,
        title=title,
        level=level,
        cost_centre=cost_centre_key(centre),
        status=Status.ACTIVE,
        termination_date=None,
        hire_date=min(person.hire_date, date(2014, 1, 1)),
    )


def _employee(rng: random.Random, key: int) -> Employee:
    country = rng.choices([c for c, _ in ENTITY_SHARE], [w for _, w in ENTITY_SHARE])[0]
    person = _person(rng, key, country)
    if rng.random() < 0.78:
        level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        return replace(person, title=level, level=level, cost_centre=_billable(rng))
    centre = rng.choice(corporate_cost_centres())
    title = rng.choice(CORPORATE_TITLES[centre.rsplit(":", 1)[1]])[0]
    return replace(person, title=title, cost_centre=centre)


def _billable(rng: random.Random) -> str:
    return rng.choice(billable_cost_centres())


def _namesakes(rng: random.Random, staff: list[Employee], pairs: int) -> list[Employee]:
    """Give `pairs` pairs of different people the same common name."""
    staff = list(staff)
    candidates = list(range(len(HEADS), len(staff)))
    rng.shuffle(candidates)
    for _ in range(pairs):
        if len(candidates) < 2:
            break
        first, second = candidates.pop(), candidates.pop()
        language = LANGUAGE[staff[first].legal_entity.rsplit(":", 1)[1]]
        given, family = rng.choice(COMMON_NAMES[language])
        for index in (first, second):
            staff[index] = replace(staff[index], given=given, family=family, preferred=None)
    return staff


def _emails(staff: list[Employee]) -> list[Employee]:
    taken: set[str] = set()
    named = []
    for employee in staff:
        german = employee.legal_entity.endswith(":DE")
        local = ".".join(
            ascii_name(part, german).lower().replace(" ", "").replace("'", "")
            for part in (employee.given, employee.family.split(" ")[0])
        )
        address, suffix = f"{local}@{EMAIL_DOMAIN}", 2
        while address in taken:
            address, suffix = f"{local}{suffix}@{EMAIL_DOMAIN}", suffix + 1
        taken.add(address)
        named.append(replace(employee, email=address))
    return named


def _managers(rng: random.Random, staff: list[Employee]) -> list[Employee]:
    """Everyone reports to someone more senior in their department who is still there (a
    leaver's manager may have left too); heads report to the managing partner."""
    chief = staff[0]
    heads = {_department(head): head.key for head in staff[1 : len(HEADS)]}
    managed = [chief] + [replace(head, manager=chief.key) for head in staff[1 : len(HEADS)]]
    for employee in staff[len(HEADS) :]:
        department = _department(employee)
        seniors = [
            other
            for other in staff
            if other is not employee
            and _department(other) == department
            and _rank(other) > _rank(employee)
            and (other.status is not Status.TERMINATED or employee.status is Status.TERMINATED)
        ]
        close = [s for s in seniors if s.cost_centre == employee.cost_centre]
        pool = close if close and rng.random() < SAME_COST_CENTRE_MANAGER else seniors
        manager = rng.choice(pool).key if pool else heads.get(department, chief.key)
        managed.append(replace(employee, manager=manager))
    return managed


def billable(employee: Employee) -> bool:
    return _department(employee) in BILLABLE_DEPARTMENTS

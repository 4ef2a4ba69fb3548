"""The firm's rate cards: standard rates per role, currency and year (the same role in two
years is two different rate cards), rates negotiated with some customers (some by the day), and
rates agreed for single projects."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from mdm_hub.domain.attributes import RateUnit
from mdm_hub.evaluation.landscape.people import LEVELS
from mdm_hub.evaluation.landscape.world import Customer, Project, RateCard

YEARS = (2024, 2025)
# 2024 standard hourly rates in US dollars by role; the other currencies follow by a fixed rate.
BASE_RATES = {
    "Analyst": 150, "Consultant": 195, "Senior Consultant": 240, "Manager": 295,
    "Senior Manager": 350, "Director": 420, "Partner": 495,
}  # fmt: skip
YEARLY_RISE = Decimal("1.04")
CURRENCY_FACTORS = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79")}
NEGOTIATED = 0.12  # customers with their own rates
PROJECT_RATES = 0.08  # projects with their own rates
DAY_RATES = 0.5  # negotiated euro rates quoted by the day
HOURS_PER_DAY = 8
STANDARD = "standard"


def generate_rate_cards(
    rng: random.Random,
    roles: int,
    currencies: tuple[str, ...],
    customers: list[Customer],
    projects: list[Project],
) -> list[RateCard]:
    chosen = [role for role, _ in LEVELS][-roles:] if roles < len(LEVELS) else list(BASE_RATES)
    cards = [
        _card(STANDARD, role, currency, year, _standard(role, currency, year), RateUnit.HOUR)
        for year in YEARS
        for currency in currencies
        for role in chosen
    ]
    billed = {p.customer for p in projects}
    for customer in customers:
        if customer.key not in billed or rng.random() >= NEGOTIATED:
            continue
        year = rng.choice(YEARS)
        day = customer.currency == "EUR" and rng.random() < DAY_RATES
        for role in sorted(rng.sample(chosen, min(3, len(chosen)))):
            rate = _standard(role, customer.currency, year) * Decimal(rng.choice((85, 88, 90)))
            rate = _round5(rate / 100 * (HOURS_PER_DAY if day else 1))
            unit = RateUnit.DAY if day else RateUnit.HOUR
            cards.append(
                _card(
                    customer.key, role, customer.currency, year, rate, unit, customer=customer.key
                )
            )
    for project in projects:
        if rng.random() >= PROJECT_RATES:
            continue
        year = min(max(project.start.year, YEARS[0]), YEARS[-1])
        for role in sorted(rng.sample(chosen, min(2, len(chosen)))):
            rate = _round5(_standard(role, project.currency, year) * Decimal("0.9"))
            cards.append(
                _card(project.key, role, project.currency, year, rate, RateUnit.HOUR, project.key)
            )
    return cards


def _card(
    scope: str,
    role: str,
    currency: str,
    year: int,
    rate: Decimal,
    unit: RateUnit,
    project: str | None = None,
    customer: str | None = None,
) -> RateCard:
    key = f"rate_card:{scope}:{year}:{role.lower().replace(' ', '_')}:{currency}"
    return RateCard(key, role, currency, rate, unit, year, customer=customer, project=project)


def _standard(role: str, currency: str, year: int) -> Decimal:
    rate = Decimal(BASE_RATES[role]) * CURRENCY_FACTORS[currency]
    for _ in range(year - YEARS[0]):
        rate *= YEARLY_RISE
    return _round5(rate)


def _round5(value: Decimal) -> Decimal:
    """To the nearest 5, as price lists are written, with two decimal places."""
    fives = (value / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (fives * 5).quantize(Decimal("0.01"))

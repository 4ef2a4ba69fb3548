"""The firm's customers: groups (a holding and its subsidiaries, some at the holding's own
address), stand-alone companies, look-alikes that share a name stem and nothing else, and the
CRM's prospects."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mdm_hub.evaluation.companies import STEMS, valid_tax_id
from mdm_hub.evaluation.landscape import places
from mdm_hub.evaluation.landscape.vocabulary import CURRENCY, INDUSTRIES, LEGAL_FORMS, SECTORS
from mdm_hub.evaluation.landscape.world import Customer

CUSTOMER_COUNTRIES = ("US", "US", "US", "GB", "GB", "DE", "DE", "FR", "NL")
GROUP_SHARE = 0.3  # companies that are holdings with subsidiaries
SAME_ADDRESS = 0.5  # subsidiaries in the holding's country that sit at its address
INACTIVE = 0.1  # former clients
SHARED_DOMAIN = 0.5  # subsidiaries using the group's web domain
LOOKALIKE_EVERY = 12  # one unrelated look-alike per this many customers


def generate_customers(rng: random.Random, count: int) -> list[Customer]:
    """About `count` customers; a group counts each of its members."""
    customers: list[Customer] = []
    used: set[str] = set()
    lookalikes = max(2, count // LOOKALIKE_EVERY)
    while len(customers) < count - lookalikes:
        stem = rng.choice(STEMS)
        if rng.random() < GROUP_SHARE:
            customers += _group(rng, stem, len(customers), used)
        else:
            sector = rng.choice(SECTORS)
            if f"{stem} {sector}" in used:
                continue
            customers.append(_company(rng, stem, sector, len(customers), used))
    while len(customers) < count:
        # An unrelated company whose name shares its first word with a customer's.
        stem = rng.choice(customers).stem
        sector = rng.choice(SECTORS)
        if f"{stem} {sector}" not in used:
            customers.append(_company(rng, stem, sector, len(customers), used))
    return customers


def generate_prospects(rng: random.Random, count: int, first: int) -> list[Customer]:
    used: set[str] = set()
    return [
        _company(rng, rng.choice(STEMS), rng.choice(SECTORS), first + i, used, prefix="prospect")
        for i in range(count)
    ]


def _company(
    rng: random.Random,
    stem: str,
    sector: str,
    index: int,
    used: set[str],
    country: str | None = None,
    parent: Customer | None = None,
    prefix: str = "customer",
) -> Customer:
    name = f"{stem} {sector}"
    used.add(name)
    country = country or rng.choice(CUSTOMER_COUNTRIES)
    if parent is not None and parent.country == country and rng.random() < SAME_ADDRESS:
        address = parent.address
    else:
        address = places.address(rng, country)
    domain = f"{stem}{sector.split(maxsplit=1)[0]}".lower().replace(" ", "") + ".com"
    if parent is not None and rng.random() < SHARED_DOMAIN:
        domain = parent.website
    return Customer(
        key=f"{prefix}:{index:04d}",
        stem=stem,
        name=name,
        legal_form=rng.choice(LEGAL_FORMS[country]),
        address=address,
        tax_id=valid_tax_id(rng, country),
        website=domain,
        phone=places.phone(rng, country),
        industry=INDUSTRIES[sector],
        currency=CURRENCY[country],
        parent=parent.key if parent else None,
        active=rng.random() >= INACTIVE,
        created=date(2015, 1, 1) + timedelta(days=rng.randrange(3600)),
    )


def _group(rng: random.Random, stem: str, first: int, used: set[str]) -> list[Customer]:
    if f"{stem} Holdings" in used:
        return []
    holding = _company(rng, stem, "Holdings", first, used)
    members = [holding]
    for sector in rng.sample(SECTORS, rng.randrange(1, 4)):
        if f"{stem} {sector}" in used:
            continue
        country = holding.country if rng.random() < 0.6 else rng.choice(CUSTOMER_COUNTRIES)
        members.append(_company(rng, stem, sector, first + len(members), used, country, holding))
    return members

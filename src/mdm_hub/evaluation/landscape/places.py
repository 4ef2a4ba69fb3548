"""Addresses and phone numbers shaped as each country writes them."""

from __future__ import annotations

import random

import phonenumbers

from mdm_hub.evaluation.landscape.vocabulary import CITIES, PHONE_AREAS, STREETS
from mdm_hub.evaluation.landscape.world import Address

US_SUITE = 0.35


def _fill(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randrange(10))
        if c == "#"
        else rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        if c == "@"
        else c
        for c in pattern
    )


def address(rng: random.Random, country: str, city: str | None = None) -> Address:
    """A street address in `country` (in `city` when given and known there)."""
    choices = [c for c in CITIES[country] if city is None or c[0] == city] or list(CITIES[country])
    name, region, pattern = rng.choice(choices)
    number_first, streets = STREETS[country]
    number = str(rng.randrange(1, 400))
    street = rng.choice(streets)
    line1 = f"{number} {street}" if number_first else f"{street} {number}"
    line2 = None
    if country == "US" and rng.random() < US_SUITE:
        line2 = rng.choice(("Suite", "Floor")) + f" {rng.randrange(2, 45)}00"
    return Address(line1, line2, name, _fill(rng, pattern), region, country)


def phone(rng: random.Random, country: str) -> str:
    """A phone number in E.164 form (+12125550142), in a fictional-looking range."""
    code, areas, digits = PHONE_AREAS[country]
    area = rng.choice(areas).replace(" ", "")
    first = str(rng.randrange(2, 10))
    rest = "".join(str(rng.randrange(10)) for _ in range(digits - 1))
    return f"+{code}{area}{first}{rest}"


def phone_text(e164: str, style: str) -> str:
    """`e164` as a system shows it: international (+1 212-555-0142), national ((212) 555-0142)
    or E.164 itself."""
    if style == "e164":
        return e164
    number = phonenumbers.parse(e164)
    form = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if style == "national"
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, form)

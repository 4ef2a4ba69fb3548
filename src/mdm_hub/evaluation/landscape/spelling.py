"""How people and systems write the same name differently: legal forms, abbreviations, "&" for
"and", typos, nicknames, accents dropped or transliterated, street words shortened."""

from __future__ import annotations

import random
from functools import cache

from anyascii import anyascii
from nicknames import NickNamer

from mdm_hub.evaluation.companies import typo
from mdm_hub.evaluation.landscape.vocabulary import (
    LONG_LEGAL_FORMS,
    NAME_ABBREVIATIONS,
    STREET_ABBREVIATIONS,
)

GERMAN_LETTERS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


@cache
def _nick_namer() -> NickNamer:
    return NickNamer()


def nicknames(given: str) -> list[str]:
    """Everyday short forms of an English given name that still look like it (Rob, Liz, Mike),
    not the historic ones the nicknames list also knows (Hob, Dobbin)."""
    name = given.lower()
    found = _nick_namer().nicknames_of(name)
    usable = sorted(n for n in found if len(n) >= 3 and (n[:2] == name[:2] or n[:3] in name))
    return [n.capitalize() for n in usable]


def ascii_name(text: str, german: bool = False) -> str:
    """Accents dropped as a US system stores them: José → Jose; Müller → Mueller (German
    transliteration) or Muller."""
    if german:
        text = "".join(GERMAN_LETTERS.get(c, c) for c in text)
    return str(anyascii(text))


def abbreviated(text: str) -> str:
    for long, short in NAME_ABBREVIATIONS.items():
        text = text.replace(long, short)
    return text


def company_name(rng: random.Random, name: str, legal_form: str, *, formal: float) -> str:
    """One person's typing of a company name: with its legal form (more often where `formal`
    is high), long or short, abbreviated, with "&" or "and", a typo now and then."""
    if rng.random() < 0.2:
        name = abbreviated(name)
    if " & " in name and rng.random() < 0.4:
        name = name.replace(" & ", " and ")
    if rng.random() < formal:
        form = LONG_LEGAL_FORMS.get(legal_form, legal_form) if rng.random() < 0.2 else legal_form
        name = f"{name}{',' if rng.random() < 0.15 else ''} {form}"
    if rng.random() < 0.06:
        name = typo(rng, name)
    return name


def street(rng: random.Random, line: str) -> str:
    """An address line as typed: street words shortened now and then."""
    if rng.random() < 0.4:
        for long, short in STREET_ABBREVIATIONS.items():
            line = line.replace(long, short)
    return line


def maybe_typo(rng: random.Random, text: str, chance: float) -> str:
    return typo(rng, text) if rng.random() < chance else text

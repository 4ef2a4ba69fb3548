"""A generated multi-system customer set: the same clients as CRM, ERP and PSA spell them
(legal forms, abbreviations, typos, word order, tax IDs missing, reformatted or mistyped),
plus hard negatives (look-alike names of different companies; parents and subsidiaries that
share a web domain). Deterministic for a seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mdm_hub.evaluation.datasets import Dataset, LabelledRecord, Pair
from mdm_hub.matching.standardise import tax_id_is_valid

STEMS = (
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay",
    "Soylent", "Cyberdyne", "Tyrell", "Aperture", "Massive", "Gringotts", "Oscorp", "Nakatomi",
    "Monarch", "Pied Piper", "Dunder", "Sterling", "Prestige", "Blue Harbor", "Northwind",
    "Contoso", "Fabrikam", "Tailspin", "Adventure", "Litware", "Proseware", "Woodgrove",
    "Fourth Coffee", "Alpine", "Graphic", "Lucerne", "Margie", "Trey", "Wide World", "Coho",
    "Bellows", "Cascade", "Summit", "Redwood", "Granite", "Silverline", "Brightwater", "Ironclad",
    "Evergreen", "Keystone", "Lighthouse", "Meridian", "Pinnacle", "Quantum", "Riverbend",
)  # fmt: skip
SECTORS = (
    "Analytics", "Advisory", "Logistics", "Engineering", "Pharmaceuticals", "Software",
    "Financial Services", "Manufacturing", "Consulting", "Energy", "Retail", "Media",
    "Healthcare", "Capital", "Systems", "Technologies", "Foods", "Industries", "Partners",
)  # fmt: skip
SUFFIXES = ("Inc", "LLC", "Ltd", "GmbH", "AG", "plc", "Corp", "S.A.", "Co")
LONG_FORMS = {"Inc": "Incorporated", "Ltd": "Limited", "Corp": "Corporation", "Co": "Company"}
ABBREVIATIONS = {
    "International": "Intl", "Technologies": "Techs", "Manufacturing": "Mfg",
    "Financial Services": "Fin Svcs", "Systems": "Sys", "Industries": "Inds",
}  # fmt: skip
COUNTRIES = {"US": ("New York", "Chicago", "Austin"), "DE": ("Berlin", "Munich", "Hamburg"),
             "GB": ("London", "Leeds", "Bristol"), "FR": ("Paris", "Lyon", "Lille"),
             "NL": ("Amsterdam", "Utrecht", "Rotterdam")}  # fmt: skip
SYSTEMS = ("CRM", "ERP", "PSA")
MISTYPED_TAX_IDS = 0.04
# Shapes of tax IDs whose digits are not simply nine (after the country prefix).
TAX_ID_SHAPES: dict[str, Callable[[random.Random], str]] = {
    "FR": lambda r: str(r.randrange(10**10, 10**11)),  # 2 check digits + SIREN
    "NL": lambda r: f"{r.randrange(10**8, 10**9)}B{r.randrange(1, 100):02d}",
}
TAX_ID_ATTEMPTS = 20_000


@dataclass
class Company:
    key: str
    name: str
    suffix: str
    country: str
    city: str
    tax_id: str
    website: str
    phone: str
    international: bool


def _base_companies(rng: random.Random, count: int) -> list[Company]:
    companies: list[Company] = []
    names: set[str] = set()
    while len(companies) < count:
        stem, sector = rng.choice(STEMS), rng.choice(SECTORS)
        international = rng.random() < 0.15
        name = f"{stem} {'International ' if international else ''}{sector}"
        if name in names:
            continue
        names.add(name)
        country = rng.choice(sorted(COUNTRIES))
        domain = f"{stem.lower().replace(' ', '')}{sector.split()[0].lower()}.com"
        companies.append(
            Company(
                key=f"co{len(companies):05d}",
                name=name,
                suffix=rng.choice(SUFFIXES),
                country=country,
                city=rng.choice(COUNTRIES[country]),
                tax_id=valid_tax_id(rng, country),
                website=f"https://www.{domain}",
                phone=f"+{rng.choice((1, 49, 44, 33, 31))} {rng.randrange(200, 999)} "
                f"{rng.randrange(1000000, 9999999)}",
                international=international,
            )
        )
    return companies


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[2:])
    kind = rng.random()
    if kind < 0.4:  # substitution
        return text[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[i + 1 :]
    if kind < 0.7:  # deletion
        return text[:i] + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]  # transposition


def _spelling(rng: random.Random, company: Company) -> str:
    """One system's spelling of the company's name."""
    name = company.name
    if rng.random() < 0.3:
        for long, short in ABBREVIATIONS.items():
            name = name.replace(long, short)
    if rng.random() < 0.15 and " " in name:  # word order: "Analytics Acme"
        words = name.split()
        words[0], words[-1] = words[-1], words[0]
        name = " ".join(words)
    if rng.random() < 0.1:
        name = f"The {name}"
    if rng.random() < 0.15:
        name = name.replace(" and ", " & ") if " and " in name else name
    suffix = company.suffix
    roll = rng.random()
    if roll < 0.25:
        suffix = LONG_FORMS.get(suffix, suffix)
    elif roll < 0.45:
        suffix = ""
    name = f"{name}{',' if rng.random() < 0.2 and suffix else ''} {suffix}".strip()
    if rng.random() < 0.2:
        name = typo(rng, name)
    if rng.random() < 0.15:
        name = name.upper()
    return name


def _nine_digits(rng: random.Random) -> str:
    return str(rng.randrange(10**8, 10**9))


def valid_tax_id(rng: random.Random, country: str) -> str:
    """A tax ID that passes its country's check (python-stdnum), as registries issue them:
    random numbers of the country's shape until one has the right check digits."""
    shape = TAX_ID_SHAPES.get(country, _nine_digits)
    for _ in range(TAX_ID_ATTEMPTS):
        candidate = f"{country}{shape(rng)}"
        if tax_id_is_valid(candidate, country):
            return candidate
    raise RuntimeError(f"no valid {country} tax ID in {TAX_ID_ATTEMPTS} draws")  # pragma: no cover


def _mistyped(rng: random.Random, tax_id: str) -> str:
    """One digit keyed wrong: usually caught by the check digit, sometimes not."""
    position = rng.randrange(2, len(tax_id))
    wrong = rng.choice([d for d in "0123456789" if d != tax_id[position]])
    return tax_id[:position] + wrong + tax_id[position + 1 :]


def _tax_id(rng: random.Random, company: Company, system: str) -> str | None:
    roll = rng.random()
    if (system == "PSA" and roll < 0.6) or roll < 0.15:
        return None  # PSA tools rarely hold tax IDs; others miss some
    if rng.random() < MISTYPED_TAX_IDS:
        return _mistyped(rng, company.tax_id)
    digits = company.tax_id[2:]
    style = rng.random()
    if style < 0.3:
        return f"{company.tax_id[:2]} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style < 0.5:
        return digits
    if style < 0.6:
        return f"{company.tax_id[:2].lower()}-{digits}"
    return company.tax_id


def _record(rng: random.Random, company: Company, system: str, source_id: str) -> LabelledRecord:
    attributes: dict[str, Any] = {
        "name": _spelling(rng, company),
        "country": company.country,
        "city": company.city,
    }
    tax_id = _tax_id(rng, company, system)
    if tax_id:
        attributes["tax_id"] = tax_id
    if rng.random() < 0.6:
        attributes["website"] = company.website.replace("https://www.", rng.choice(("", "www.")))
    if rng.random() < 0.5:
        attributes["phone"] = company.phone
    if system == "ERP":
        attributes["legal_name"] = (
            f"{company.name} {LONG_FORMS.get(company.suffix, company.suffix)}"
        )
    return LabelledRecord(system, source_id, attributes)


def _hard_negatives(rng: random.Random, companies: list[Company], count: int) -> list[Company]:
    """Different companies that look alike: a sister sector name, or a subsidiary sharing
    the parent's web domain, each with its own tax ID."""
    negatives: list[Company] = []
    taken = {company.name for company in companies}
    while len(negatives) < count:
        parent = rng.choice(companies)
        stem = parent.name.split()[0]
        sector = rng.choice([s for s in SECTORS if s not in parent.name])
        name = f"{stem} {sector}" if rng.random() < 0.5 else f"{parent.name} Holdings"
        if name in taken:  # a look-alike, not a namesake: two firms of one name are not data
            continue
        taken.add(name)
        index = len(negatives)
        negatives.append(
            Company(
                key=f"neg{index:05d}",
                name=name,
                suffix=rng.choice(SUFFIXES),
                country=parent.country,
                city=rng.choice(COUNTRIES[parent.country]),
                tax_id=valid_tax_id(rng, parent.country),
                website=parent.website
                if rng.random() < 0.5
                else f"https://www.{stem.lower()}-x.com",
                phone=f"+{rng.choice((1, 49))} {rng.randrange(200, 999)} "
                f"{rng.randrange(10**6, 10**7)}",
                international=False,
            )
        )
    return negatives


def generate_companies(count: int = 1500, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    companies = _base_companies(rng, count)
    companies += _hard_negatives(rng, companies, count // 5)
    records: list[LabelledRecord] = []
    members: dict[str, list[tuple[str, str]]] = {}
    for company in companies:
        systems = [s for s in SYSTEMS if rng.random() < 0.75] or [rng.choice(SYSTEMS)]
        for system in systems:
            source_id = f"{system[0]}-{rng.randrange(10**7, 10**8)}"
            records.append(_record(rng, company, system, source_id))
            members.setdefault(company.key, []).append((system, source_id))
    rng.shuffle(records)
    pairs: set[Pair] = {
        frozenset((a, b)) for group in members.values() for a in group for b in group if a < b
    }
    return Dataset(
        "companies",
        "CUSTOMER",
        records,
        pairs,
        f"companies: {len(records)} customer records of {len(companies)} companies "
        f"({count // 5} look-alikes) across CRM, ERP and PSA (seed {seed})",
    )

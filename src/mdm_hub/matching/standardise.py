"""Standardisation for matching only: source values are stored as given, and compared as these.

Each standardiser maps one raw value to a comparable string ("" when nothing usable is left).
They are pure and cached: the same raw value recurs across candidates of many records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
import pycountry
from nicknames import NickNamer
from rapidfuzz.distance import OSA
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.util import get_cc_module

from mdm_hub.domain.systems import DateOrder
from mdm_hub.matching.abbreviations import abbreviations
from mdm_hub.standardise.countries import country as door_country
from mdm_hub.standardise.dates import iso_date as door_date
from mdm_hub.standardise.folding import fold

CACHE_SIZE = 200_000

# Patterns compiled once: re.sub(pattern_text, ...) looks its pattern up in re's cache per call.
_NON_DIGITS = re.compile(r"\D")
_NON_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_WHITESPACE = re.compile(r"\s")

# Legal-form words that say nothing about which company it is. Multi-word forms first.
LEGAL_FORMS = (
    "incorporated", "inc", "limited", "ltd", "llc", "l l c", "gmbh", "ag", "s a", "sa", "plc",
    "corporation", "corp", "co", "company", "kg", "bv", "b v", "nv", "n v", "oy", "ab", "as",
    "spa", "s p a", "srl", "s r l", "sarl", "sas", "pty", "pty ltd", "lp", "llp", "kk", "se",
    "aktiengesellschaft", "gesellschaft mit beschrankter haftung", "kgaa", "ug", "sl", "sau",
)  # fmt: skip
_LEGAL_FORMS = frozenset(LEGAL_FORMS)
# Forms distinctive enough to recognise through a typo ("corp" is not: "Core" is a name).
_LONG_LEGAL_FORMS = ("gmbh", "limited", "incorporated", "corporation", "aktiengesellschaft", "plc")
_NOISE_WORDS = frozenset({"the"})
# Abbreviations in company names and in other names, as data (shipped/abbreviations.yaml).
_ABBREVIATIONS = abbreviations()
COMPANY_ABBREVIATIONS = {**_ABBREVIATIONS.company, "&": "and", "+": "and"}
WORD_ABBREVIATIONS = _ABBREVIATIONS.words
_nick_namer = NickNamer()

# NFKC, accents folded to ASCII, casefolded, punctuation to spaces, spaces collapsed: the
# door's folding (mdm_hub.standardise), one cache for both.
text = fold


@lru_cache(maxsize=CACHE_SIZE)
def person_name(value: str) -> str:
    """A person's name part: text(), with inner spaces dropped ("Mc Donald" = "McDonald")."""
    return text(value).replace(" ", "")


@lru_cache(maxsize=CACHE_SIZE)
def given_name_variants(value: str) -> frozenset[str]:
    """A standardised given name and the canonical names it is a nickname of, from the
    bundled nicknames table."""
    return frozenset({value, *_nick_namer.canonicals_of(value)})


def same_given_name(a: str, b: str) -> bool:
    """Bob and Robert are the same name: one is a nickname of the other. (Not "share a
    canonical": that would make William and Robert the same through "Bill".)"""
    return a == b or a in given_name_variants(b) or b in given_name_variants(a)


@lru_cache(maxsize=CACHE_SIZE)
def company_name(value: str) -> str:
    """A company name without legal form, leading "The", with & = and and abbreviations
    expanded: "The Acme Intl. Holdings, Inc." -> "acme international holdings"."""
    spaced = unicodedata.normalize("NFKC", value).replace("&", " & ").replace("+", " + ")
    words = [COMPANY_ABBREVIATIONS.get(w, w) for w in text(spaced).split()]
    if "&" in spaced or "+" in spaced:
        words = [w for w in _with_ampersands(spaced) if w]
    while words and words[0] in _NOISE_WORDS:
        words = words[1:]
    words = _strip_legal_forms(words)
    return " ".join(words)


def _with_ampersands(spaced: str) -> list[str]:
    tokens = []
    for raw in spaced.split():
        if raw in {"&", "+"}:
            tokens.append("and")
            continue
        tokens.extend(COMPANY_ABBREVIATIONS.get(w, w) for w in text(raw).split())
    return tokens


def _is_legal_form(word: str) -> bool:
    # A mistyped form ("GmH", "Lmiited", "pec") is still a form: one edit away, three letters
    # or more, so short real words are never taken for one.
    return word in _LEGAL_FORMS or (
        len(word) >= 3 and any(OSA.distance(word, form) <= 1 for form in _LONG_LEGAL_FORMS)
    )


def _strip_legal_forms(words: list[str]) -> list[str]:
    # Trailing forms only ("Co" in "Co-operative Bank" is part of the name), up to two deep
    # ("Pty Ltd", "GmbH & Co KG" leaves "and" which is dropped with them).
    for _ in range(3):
        for size in (3, 2):
            if len(words) > size and " ".join(words[-size:]) in _LEGAL_FORMS:
                words = words[:-size]
                break
        else:
            if len(words) > 1 and _is_legal_form(words[-1]):
                words = words[:-1]
        while len(words) > 1 and words[-1] == "and":
            words = words[:-1]
    return words


@lru_cache(maxsize=CACHE_SIZE)
def email(value: str) -> str:
    return value.strip().lower()


@lru_cache(maxsize=CACHE_SIZE)
def phone(value: str, default_region: str | None = None) -> str:
    """E.164 (+4930123456) using the record's country for national numbers; digits if
    the number cannot be parsed, so equal junk still compares equal."""
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        return _NON_DIGITS.sub("", value)
    if not phonenumbers.is_possible_number(parsed):
        return _NON_DIGITS.sub("", value)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=CACHE_SIZE)
def tax_id(value: str, country: str | None = None) -> str:
    """Formatting stripped and upper-cased; a leading ISO country prefix is kept only when
    it is one (EU VAT style), so "DE 136 695 976" = "136695976" for a German record."""
    compact = code(value)
    prefix = compact[:2]
    if len(compact) > 4 and prefix.isalpha() and pycountry.countries.get(alpha_2=prefix):
        return compact[2:] if country in (None, prefix) or prefix == "EL" else compact
    return compact


@lru_cache(maxsize=CACHE_SIZE)
def tax_id_is_valid(value: str, country: str | None) -> bool | None:
    """True or False where python-stdnum knows the VAT/tax scheme of the ID's country (its
    own prefix, else the record's country); None where it does not, or no country is known."""
    compact = code(value)
    prefix = compact[:2]
    if len(compact) > 4 and prefix.isalpha() and pycountry.countries.get(alpha_2=prefix):
        country = prefix
    elif prefix == "EL" and len(compact) > 4:
        country = "GR"  # Greek VAT numbers carry EL, not GR
    if not country:
        return None
    for kind in ("vat", "tin", "ein"):
        try:
            module = get_cc_module(country.lower(), kind)
        except (ImportError, AttributeError):
            continue
        if module is None:
            continue
        try:
            module.validate(compact[2:] if compact.startswith(country) else compact)
        except StdnumValidationError:
            return False
        return True
    return None


# Standardisers whose values can be checked: a value that fails (a mistyped check digit) is
# no proof of identity, so it neither links nor vetoes as a strong identifier.
VALIDATORS: dict[str, Callable[[str, str | None], bool | None]] = {"tax_id": tax_id_is_valid}


def country(value: str) -> str:
    """ISO alpha-2 as the door reads it ("USA", "United States", "U.S.", "us": "US"); "" if
    unknown (values stored before the door standardised them may be anything)."""
    found = door_country(value)
    return found if isinstance(found, str) else ""


def iso_date(value: str) -> str:
    """ISO YYYY-MM-DD as the door reads the unambiguous forms; "" when it cannot (an
    impossible date, a day-month form)."""
    found = door_date(value, DateOrder.YMD)
    return found if isinstance(found, str) else ""


@lru_cache(maxsize=CACHE_SIZE)
def code(value: str) -> str:
    """Identifiers and codes: upper-case, no spaces or separators."""
    return _NON_ALPHANUMERIC.sub("", value).upper()


_LETTERS_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_JOINING_WORDS = frozenset({"and", "&"})


@lru_cache(maxsize=CACHE_SIZE)
def words(value: str) -> str:
    """A name as words: folded, letters and digits split ("Ph2" -> "ph 2"), abbreviations
    expanded ("Sr." -> "senior", "Std" -> "standard") and "and"/"&" dropped, so
    "Sr. Consultant - Std Rates" and "Senior Consultant Standard Rates" read alike."""
    split = _LETTERS_DIGITS.sub(" ", text(value))
    return " ".join(
        WORD_ABBREVIATIONS.get(word, word) for word in split.split() if word not in _JOINING_WORDS
    )


_MAX_DIGITS = 30


@lru_cache(maxsize=CACHE_SIZE)
def leaf_words(value: str) -> str:
    """The last part of a hierarchical name ("Accrued Payroll : Payroll Taxes Payable", as
    ERPs show a child under its parent) as `words`: the parent is compared by reference."""
    return words(value.rsplit(" : ", 1)[-1])


@lru_cache(maxsize=CACHE_SIZE)
def number(value: str) -> str:
    """A decimal as the door standardised it ("150.00"), trailing zeros dropped so equal
    amounts compare equal ("150"); "" when it is no number."""
    try:
        parsed = Decimal(value.strip())
    except InvalidOperation:
        return ""
    # No amount has 30 digits: a hostile 1e999 must not become a 1,000-digit string.
    if not parsed.is_finite() or abs(parsed.adjusted()) > _MAX_DIGITS:
        return ""
    return format(parsed.normalize(), "f")


@lru_cache(maxsize=CACHE_SIZE)
def web_domain(value: str) -> str:
    """A website as its host: "https://www.Acme.com/about" -> "acme.com"."""
    host = _SCHEME.sub("", value.strip().lower()).split("/")[0]
    return host.split(":")[0].removeprefix("www.")


@lru_cache(maxsize=CACHE_SIZE)
def postcode(value: str) -> str:
    return _WHITESPACE.sub("", value).upper()


Standardiser = Callable[[str], str]

# name -> standardiser taking only the raw value (phone and tax ID take the country too).
STANDARDISERS: dict[str, Standardiser] = {
    "text": text,
    "person_name": person_name,
    "given_name": person_name,
    "company_name": company_name,
    "email": email,
    "country": country,
    "date": iso_date,
    "code": code,
    "number": number,
    "words": words,
    "leaf_words": leaf_words,
    "postcode": postcode,
    "web_domain": web_domain,
}
COUNTRY_AWARE = {"phone": phone, "tax_id": tax_id}

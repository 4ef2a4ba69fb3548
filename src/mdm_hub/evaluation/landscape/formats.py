"""Values as real exports write them: dates in the system's own order or as timestamps,
countries as codes, names or in their own language, currencies as codes, lower case, symbols or
names, amounts with thousands separators, yes/no flags in each system's words. The locale comes
from the system's declaration in systems.yaml."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache

import pycountry

from mdm_hub.domain.systems import DateOrder, Locale
from mdm_hub.evaluation.landscape.vocabulary import LANGUAGE

# Country spellings people type that are neither ISO codes nor ISO names.
COLLOQUIAL = {"US": "U.S.", "GB": "UK", "NL": "Holland", "DE": "Germany", "FR": "France"}
SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "US$"}


class DateStyle(StrEnum):
    NUMERIC = "numeric"  # 01/31/2024 in a MDY system, 31.01.2024 in DMY, 2024/01/31 in YMD
    NUMERIC_SHORT = "numeric_short"  # 1/31/2024: NetSuite's way
    ISO = "iso"  # 2024-01-31
    COMPACT = "compact"  # 20240131
    TIMESTAMP = "timestamp"  # 2024-01-31T00:00:00Z
    TIMESTAMP_MS = "timestamp_ms"  # 2024-01-31T09:15:00.000Z: Salesforce's way


class CountryStyle(StrEnum):
    ALPHA2 = "alpha2"  # DE
    ALPHA3 = "alpha3"  # DEU
    NAME = "name"  # Germany, United States
    OFFICIAL = "official"  # United States of America (where ISO has one)
    LOCAL = "local"  # Deutschland, España
    COLLOQUIAL = "colloquial"  # U.S., UK


class CurrencyStyle(StrEnum):
    CODE = "code"  # EUR
    LOWER = "lower"  # eur
    SYMBOL = "symbol"  # €
    NAME = "name"  # Euro, Pound Sterling


def date_text(value: date | datetime, style: DateStyle, locale: Locale) -> str:
    if style is DateStyle.ISO:
        return value.strftime("%Y-%m-%d")
    if style is DateStyle.COMPACT:
        return value.strftime("%Y%m%d")
    if style is DateStyle.TIMESTAMP:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style is DateStyle.TIMESTAMP_MS:
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    day, month, year = value.day, value.month, value.year
    if style is DateStyle.NUMERIC_SHORT:
        parts = {"D": str(day), "M": str(month), "Y": str(year)}
    else:
        parts = {"D": f"{day:02d}", "M": f"{month:02d}", "Y": str(year)}
    separator = "." if locale.date_order is DateOrder.DMY else "/"
    return separator.join(parts[letter] for letter in locale.date_order.value)


def datetime_text(value: datetime, locale: Locale) -> str:
    """A NetSuite-style local date and time: 1/31/2024 3:45 pm."""
    hour = value.hour % 12 or 12
    when = f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"
    return f"{date_text(value, DateStyle.NUMERIC_SHORT, locale)} {when}"


def country_text(alpha2: str, style: CountryStyle) -> str:
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        raise ValueError(f"{alpha2!r} is not an ISO 3166-1 alpha-2 code")
    if style is CountryStyle.ALPHA2:
        return alpha2
    if style is CountryStyle.ALPHA3:
        return str(country.alpha_3)
    if style is CountryStyle.OFFICIAL:
        return str(getattr(country, "official_name", country.name))
    if style is CountryStyle.LOCAL:
        return _translation(LANGUAGE[alpha2]).gettext(country.name)
    if style is CountryStyle.COLLOQUIAL:
        return COLLOQUIAL.get(alpha2, str(country.name))
    return str(country.name)


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def currency_text(code: str, style: CurrencyStyle) -> str:
    if style is CurrencyStyle.LOWER:
        return code.lower()
    if style is CurrencyStyle.SYMBOL:
        return SYMBOLS.get(code, code)
    if style is CurrencyStyle.NAME:
        found = pycountry.currencies.get(alpha_3=code)
        return str(found.name) if found is not None else code
    return code


def amount_text(value: Decimal, locale: Locale, grouped: bool) -> str:
    """1,234.50 (grouped) or 1234.50, with the locale's decimal separator."""
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if locale.decimal_separator == ",":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def canonical_amount(value: Decimal) -> str:
    return f"{value:.2f}"


FLAGS = {
    "true": ("true", "false"),
    "TRUE": ("TRUE", "FALSE"),
    "Yes": ("Yes", "No"),
    "Y": ("Y", "N"),
    "1": ("1", "0"),
}


def flag_text(value: bool, style: str) -> str:
    yes, no = FLAGS[style]
    return yes if value else no


def tax_id_text(tax_id: str, style: str) -> str:
    """A VAT/tax ID as typed: compact (DE123456789), spaced (DE 123 456 789) or national
    (the digits alone; a US EIN as 12-3456789)."""
    country, digits = tax_id[:2], tax_id[2:]
    if style == "spaced":
        return f"{country} {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == "national":
        return f"{digits[:2]}-{digits[2:]}" if country == "US" else digits
    return tax_id

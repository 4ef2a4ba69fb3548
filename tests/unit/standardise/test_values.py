"""Each kind of value: the forms a real firm's exports write are read into the canonical one;
what cannot be read is refused with a reason that names the forms that can."""

from __future__ import annotations

from typing import Any

import pytest

from mdm_hub.domain.attributes import BillingMethod, RateUnit
from mdm_hub.domain.systems import DateOrder
from mdm_hub.standardise.aliases import shipped_aliases
from mdm_hub.standardise.booleans import boolean
from mdm_hub.standardise.countries import country
from mdm_hub.standardise.currencies import currency
from mdm_hub.standardise.dates import iso_date
from mdm_hub.standardise.decimals import decimal
from mdm_hub.standardise.enums import enum_name
from mdm_hub.standardise.outcome import Unreadable
from mdm_hub.standardise.text import text


def reason(found: object) -> str:
    assert isinstance(found, Unreadable), f"read as {found!r}"
    return found.reason


# Countries.


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("US", "US"), ("us", "US"), ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"),
        (" united states ", "US"), ("United States of America", "US"), ("840", "US"),
        ("UK", "GB"), ("Great Britain", "GB"), ("España", "ES"), ("espana", "ES"),
        ("Deutschland", "DE"), ("DEU", "DE"), ("Schweiz", "CH"), ("Österreich", "AT"),
        ("Republic of Korea", "KR"), ("South Korea", "KR"), ("Korea, Republic of", "KR"),
        ("Holland", "NL"), ("The Netherlands", "NL"), ("the netherlands", "NL"),
        ("Côte d'Ivoire", "CI"), ("cote divoire", "CI"), ("Bolivia", "BO"), ("Türkiye", "TR"),
    ],
)  # fmt: skip
def test_country_spellings_become_alpha_2(raw: str, code: str) -> None:
    assert country(raw) == code


@pytest.mark.parametrize("raw", ["Narnia", "Korea", "Virgin Islands", "XX", 276, ""])
def test_unknown_or_ambiguous_countries_are_refused_naming_the_accepted_forms(raw: Any) -> None:
    # "Korea" and "Virgin Islands" each name two countries: a guess would be worse.
    assert "ISO 3166-1 code" in reason(country(raw))
    assert repr(raw) in reason(country(raw))


def test_every_shipped_country_alias_reads_as_its_code() -> None:
    for alias, code in shipped_aliases().countries.items():
        assert country(alias) == code, alias


# Currencies.


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("EUR", "EUR"), ("eur", "EUR"), (" Eur ", "EUR"), ("€", "EUR"), ("£", "GBP"),
        ("US$", "USD"), ("CA$", "CAD"), ("A$", "AUD"), ("CHF", "CHF"), ("Euro", "EUR"),
        ("pound sterling", "GBP"),
    ],
)  # fmt: skip
def test_currency_codes_names_and_symbols_become_iso_4217(raw: str, code: str) -> None:
    assert currency(raw) == code


@pytest.mark.parametrize(("raw", "named"), [("$", "USD, CAD"), ("¥", "JPY, CNY"), ("kr", "SEK")])
def test_ambiguous_currency_symbols_are_refused_naming_the_currencies(raw: str, named: str) -> None:
    why = reason(currency(raw))
    assert named in why
    assert "ISO 4217 code" in why


@pytest.mark.parametrize("raw", ["bitcoin", "EU", 978])
def test_unknown_currencies_are_refused_naming_the_accepted_forms(raw: Any) -> None:
    assert "use an ISO 4217 code" in reason(currency(raw))


# Dates.


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-31", "20240131", "2024/01/31", "2024.01.31", " 2024-01-31 ", "31 Jan 2024",
        "Jan 31, 2024", "31 January 2024", "January 31 2024", "31-JAN-2024", "Jan. 31, 2024",
        "2024-01-31T00:00:00Z", "2024-01-31T00:00:00+01:00", "2024-01-31T23:59:59-08:00",
        "2024-01-31 00:00:00", "2024-01-31T09:30",
    ],
)  # fmt: skip
def test_unambiguous_date_forms_are_read_in_every_order(raw: str) -> None:
    for order in DateOrder:
        assert iso_date(raw, order) == "2024-01-31"


@pytest.mark.parametrize("raw", ["03/04/2024", "3.4.2024", "03-04-2024"])
def test_numeric_day_month_dates_follow_the_declared_order(raw: str) -> None:
    assert iso_date(raw, DateOrder.DMY) == "2024-04-03"
    assert iso_date(raw, DateOrder.MDY) == "2024-03-04"
    assert "declare its locale date_order" in reason(iso_date(raw, DateOrder.YMD))


def test_a_month_beyond_twelve_shows_a_wrongly_declared_order() -> None:
    assert "not a real date (read as DMY)" in reason(iso_date("01/31/2024", DateOrder.DMY))
    assert iso_date("01/31/2024", DateOrder.MDY) == "2024-01-31"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("2024-02-30", "not a real date"),
        ("20230229", "not a real date"),
        ("31 Foo 2024", "'foo' is not an English month name"),
        ("2024-01-31T25:00:00Z", "use 2024-01-31"),
        ("03-04-24", "two-digit year"),
        ("45322", "use 2024-01-31"),
        (45322, "use 2024-01-31"),
    ],
)
def test_impossible_or_unreadable_dates_are_refused(raw: Any, why: str) -> None:
    assert why in reason(iso_date(raw, DateOrder.DMY))


# Decimals.


@pytest.mark.parametrize(
    ("raw", "separator", "read"),
    [
        (12.5, ".", 12.5), (12, ",", 12), ("12.50", ".", "12.50"), (" 12.50 ", ".", "12.50"),
        ("1,234.50", ".", "1234.50"), ("1,234,567", ".", "1234567"), ("1 234.5", ".", "1234.5"),
        ("12,50", ",", "12.50"), ("1.234,50", ",", "1234.50"), ("1.234.567", ",", "1234567"),
        ("1 234,50", ",", "1234.50"), ("1,234", ",", "1.234"), ("1234", ",", "1234"),
        ("-3", ".", "-3"), ("+3", ",", "3"),
    ],
)  # fmt: skip
def test_decimals_are_read_with_the_systems_separator(
    raw: Any, separator: Any, read: object
) -> None:
    assert decimal(raw, separator) == read


@pytest.mark.parametrize(
    ("raw", "separator", "why"),
    [
        ("1,234", ".", "ambiguous"),  # 1234, or 1.234 from a wrongly declared system?
        ("1.234", ",", "ambiguous"),
        ("12.50", ",", "written with ','"),
        ("1.234,50", ".", "written with '.'"),
        ("€12", ".", "written with '.'"),
        ("1,23", ".", "written with '.'"),
        (True, ".", "not a decimal number"),
    ],
)
def test_unreadable_or_ambiguous_decimals_are_refused(raw: Any, separator: Any, why: str) -> None:
    found = reason(decimal(raw, separator))
    assert why in found
    assert "a JSON number" in found or "ambiguous" in found


# Booleans, text, enum values.


@pytest.mark.parametrize("raw", [True, "true", "TRUE", "yes", "Y", "t", "1", 1, " Yes "])
def test_true_spellings(raw: object) -> None:
    assert boolean(raw) is True


@pytest.mark.parametrize("raw", [False, "false", "No", "n", "F", "0", 0])
def test_false_spellings(raw: object) -> None:
    assert boolean(raw) is False


@pytest.mark.parametrize("raw", ["maybe", 2, None, ""])
def test_other_booleans_are_refused(raw: object) -> None:
    assert "yes/no" in reason(boolean(raw))


def test_text_is_trimmed_keeping_inner_spaces_and_empty_text_is_absent() -> None:
    assert text("  Acme   Holdings \t") == "Acme   Holdings"
    assert text(" \n ") is None
    assert text(12) == 12  # not text: validation names it


@pytest.mark.parametrize(
    "raw",
    ["TIME_AND_MATERIALS", "time and materials", "Time-and-Materials", " time_and_materials "],
)
def test_enum_names_any_case_with_spaces_or_hyphens(raw: str) -> None:
    assert enum_name(raw, BillingMethod) == "TIME_AND_MATERIALS"


def test_enum_codes_are_not_guessed() -> None:
    why = reason(enum_name("T&M", BillingMethod))
    assert "FIXED_FEE, TIME_AND_MATERIALS, RETAINER, MILESTONE" in why
    assert "HOUR, DAY" in reason(enum_name("week", RateUnit))

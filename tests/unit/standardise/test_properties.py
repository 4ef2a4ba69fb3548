"""Properties of every standardiser: a canonical value standardises to itself (under the
canonical locale, which is what the hub stores), whatever form it was read from; and no
locale ever reads a canonical value as a different value (it is kept, or refused)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.domain.attributes import BillingMethod, DimensionKind, RateUnit
from mdm_hub.domain.systems import DateOrder
from mdm_hub.standardise.booleans import boolean
from mdm_hub.standardise.countries import country
from mdm_hub.standardise.currencies import currency
from mdm_hub.standardise.dates import iso_date
from mdm_hub.standardise.decimals import decimal
from mdm_hub.standardise.enums import enum_name
from mdm_hub.standardise.outcome import Unreadable
from mdm_hub.standardise.text import text

COUNTRIES = list(pycountry.countries)
MONTHS = ["Jan", "February", "Mar", "April", "May", "Jun", "July", "Aug", "Sept", "Oct", "Nov",
          "December"]  # fmt: skip
ENUMS: list[Any] = [BillingMethod, RateUnit, DimensionKind]


def _case(draw: st.DrawFn, value: str) -> str:
    return draw(st.sampled_from([value, value.lower(), value.upper(), value.title()]))


@st.composite
def country_spellings(draw: st.DrawFn) -> str:
    entry = draw(st.sampled_from(COUNTRIES))
    spelling = draw(st.sampled_from([entry.alpha_2, entry.alpha_3, entry.numeric, entry.name]))
    return draw(st.sampled_from(["", " "])) + _case(draw, spelling)


@st.composite
def written_dates(draw: st.DrawFn) -> tuple[str, DateOrder]:
    day = draw(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
    order = draw(st.sampled_from(list(DateOrder)))
    y, m, d, name = day.year, day.month, day.day, MONTHS[day.month - 1]
    forms = [f"{y}-{m:02d}-{d:02d}", f"{y}{m:02d}{d:02d}", f"{y}/{m}/{d}", f"{y}.{m:02d}.{d:02d}",
             f"{d} {name} {y}", f"{name} {d}, {y}", f"{y}-{m:02d}-{d:02d}T13:45:00+02:00",
             f"{y}-{m:02d}-{d:02d} 00:00:00"]  # fmt: skip
    if order is DateOrder.DMY:
        forms.append(f"{d:02d}/{m:02d}/{y}")
    if order is DateOrder.MDY:
        forms.append(f"{m}.{d}.{y}")
    return draw(st.sampled_from(forms)), order


@st.composite
def written_decimals(draw: st.DrawFn) -> tuple[str, Any]:
    value = draw(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
    separator = draw(st.sampled_from([".", ","]))
    grouped = draw(st.booleans())
    thousands = "," if separator == "." else "."
    whole, fraction = f"{value:.2f}".split(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", thousands)
    return f"{whole}{separator}{fraction}", separator


def _fixed_point(first: object, again: object) -> None:
    assert not isinstance(first, Unreadable), first
    assert again == first


@settings(max_examples=300, deadline=None)
@given(country_spellings())
def test_countries(raw: str) -> None:
    found = country(raw)
    _fixed_point(found, country(found))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(pycountry.currencies)), st.booleans())
def test_currencies(entry: Any, lower: bool) -> None:
    found = currency(entry.alpha_3.lower() if lower else f" {entry.alpha_3} ")
    _fixed_point(found, currency(found))


@settings(max_examples=300, deadline=None)
@given(written_dates())
def test_dates(written: tuple[str, DateOrder]) -> None:
    raw, order = written
    found = iso_date(raw, order)
    _fixed_point(found, iso_date(found))
    for other in DateOrder:
        assert iso_date(found, other) == found


@settings(max_examples=300, deadline=None)
@given(written_decimals())
def test_decimals(written: tuple[str, Any]) -> None:
    raw, separator = written
    found = decimal(raw, separator)
    _fixed_point(found, decimal(found))
    assert isinstance(found, str)
    assert Decimal(found) == Decimal(
        raw.replace("," if separator == "." else ".", "").replace(",", ".")
    )
    for other in (".", ","):
        again = decimal(found, other)
        assert again == found or isinstance(again, Unreadable)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.booleans(), st.sampled_from(["yes", "NO", "t", "F", "1", "0", "Y", "n"])))
def test_booleans(raw: object) -> None:
    found = boolean(raw)
    _fixed_point(found, boolean(found))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text(raw: str) -> None:
    found = text(raw)
    assert found is None or text(found) == found


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ENUMS).flatmap(lambda e: st.tuples(st.just(e), st.sampled_from(list(e)))),
       st.sampled_from(["lower", "spaces", "hyphens"]))  # fmt: skip
def test_enum_values(member: tuple[Any, Any], how: str) -> None:
    enum, value = member
    raw = {"lower": value.name.lower(), "spaces": value.name.replace("_", " "),
           "hyphens": value.name.title().replace("_", "-")}[how]  # fmt: skip
    found = enum_name(raw, enum)
    _fixed_point(found, enum_name(found, enum))
    assert found == value.name

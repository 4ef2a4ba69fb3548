"""Decimals (a rate): a JSON number, or text written with the system's decimal separator ->
plain decimal text (`1234.50`), which strict validation then reads as today.

Thousands separators (the other mark, or a space) are read only in groups of three. A value
whose one separator is the thousands mark, with no decimal part (`1,234` where the decimal
separator is "."), is refused as ambiguous: a system whose locale is declared wrongly would
otherwise be read a thousand times off. Nothing else is stripped (no currency symbols).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from mdm_hub.standardise.folding import CACHE_SIZE
from mdm_hub.standardise.outcome import Unreadable, quoted, unreadable

Separator = Literal[".", ","]
Number = int | float | str

_PLAIN = {".": re.compile(r"-?\d+(?:\.\d+)?"), ",": re.compile(r"-?\d+")}
_SPACES = " \u00a0\u202f"  # a space, a no-break space, a narrow no-break space


def accepted(separator: Separator) -> str:
    other = "," if separator == "." else "."
    return (
        f"a JSON number, or text with {separator!r} before the decimals "
        f"(1234{separator}50, 1{other}234{other}567{separator}50, 1 234{separator}50)"
    )


def decimal(raw: object, separator: Separator = ".") -> Number | Unreadable:
    """The decimal `raw` writes, as a JSON number (kept as it is) or plain decimal text."""
    if type(raw) is int or type(raw) is float:
        return raw  # a JSON number is canonical whatever the locale
    if type(raw) is str and _PLAIN[separator].fullmatch(raw):
        return raw  # already canonical: most text values
    if not isinstance(raw, str):
        return unreadable(raw, "a decimal number", accepted(separator))
    return _read(raw, separator)


@lru_cache(maxsize=CACHE_SIZE)
def _read(raw: str, separator: Separator) -> Number | Unreadable:
    found = _pattern(separator).fullmatch(raw.strip())
    if found is None:
        return unreadable(raw, f"a decimal number written with {separator!r}", accepted(separator))
    sign, whole, mark, fraction, exponent = found.group("sign", "whole", "mark", "fraction", "exp")
    if mark is not None and whole.count(mark) == 1 and fraction is None and mark not in _SPACES:
        return Unreadable(
            f"{quoted(raw)} is ambiguous: {mark!r} is this system's thousands separator, but it "
            f"may be a decimal one; write 1234 or 1{mark}234{separator}00"
        )
    digits = whole.replace(mark, "") if mark else whole
    text = ("-" if sign == "-" else "") + digits
    if fraction is not None:
        text += "." + fraction
    return text + (exponent or "")


@cache
def _pattern(separator: Separator) -> re.Pattern[str]:
    thousands = re.escape("," if separator == "." else ".") + _SPACES
    return re.compile(
        r"(?P<sign>[+-]?)"
        rf"(?P<whole>\d{{1,3}}(?:(?P<mark>[{thousands}])\d{{3}})(?:(?P=mark)\d{{3}})*|\d+)"
        rf"(?:{re.escape(separator)}(?P<fraction>\d+))?"
        r"(?P<exp>[eE][+-]?\d+)?"
    )

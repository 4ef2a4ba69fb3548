"""Identifier codes as systems write them, reduced to one comparable form.

`E004711` (HRIS), `004711` (payroll) and `4711` (expenses) are one employee number;
`CC-120`, `CC120` and `120` one cost centre. The form is: upper case, letters and digits only,
a declared prefix dropped where digits follow it, leading zeros of a number dropped. The
prefixes are data (a rule file's `identifier_prefixes`), never guessed: `EMEA` keeps its E.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from mdm_hub.matching.standardise import CACHE_SIZE, code

# The standardiser name rule files use for this form.
IDENTIFIER = "identifier"
_DIGITS = re.compile(r"[0-9]+")


def normalise_identifier(value: str, prefixes: tuple[str, ...] = ()) -> str:
    """The comparable form of an identifier code; applying it again changes nothing."""
    current = code(value)
    while True:
        reduced = _reduce_once(current, prefixes)
        if reduced == current:
            return current
        current = reduced


def _reduce_once(value: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:  # longest first (see identifier_standardiser)
        rest = value[len(prefix) :]
        if value.startswith(prefix) and rest[:1].isdigit():
            value = rest
            break
    if _DIGITS.fullmatch(value):
        return value.lstrip("0") or "0"
    return value


def identifier_standardiser(prefixes: Iterable[str]) -> Callable[[str], str]:
    """The `identifier` standardiser of one rule file, with its declared prefixes."""
    ordered = tuple(sorted({code(p) for p in prefixes if code(p)}, key=lambda p: (-len(p), p)))

    @lru_cache(maxsize=CACHE_SIZE)
    def standardise(value: str) -> str:
        return normalise_identifier(value, ordered)

    return standardise

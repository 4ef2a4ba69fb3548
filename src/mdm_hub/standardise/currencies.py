"""Currencies: a code in any case, an ISO name or an unambiguous symbol -> its ISO 4217 code."""

from __future__ import annotations

from functools import cache

import pycountry

from mdm_hub.standardise.aliases import shipped_aliases
from mdm_hub.standardise.folding import fold
from mdm_hub.standardise.outcome import Unreadable, quoted, unreadable

ACCEPTED = (
    "an ISO 4217 code (EUR, usd, any case), its name (Euro) or a symbol that names one "
    "currency (€, £, US$, CA$, A$)"
)

ALPHA_3 = frozenset(currency.alpha_3 for currency in pycountry.currencies)


def currency(raw: object) -> str | Unreadable:
    """ "eur", " EUR ", "€", "Euro" -> "EUR". `$` and `¥` name several currencies: refused,
    naming them."""
    if type(raw) is str and raw in ALPHA_3:
        return raw  # already canonical: most values
    if not isinstance(raw, str):
        return unreadable(raw, "a currency", ACCEPTED)
    text = raw.strip()
    code = text.upper()
    if code in ALPHA_3:
        return code
    symbol = text.casefold()
    ambiguous = _ambiguous().get(symbol)
    if ambiguous is not None:
        return Unreadable(
            f"{quoted(raw)} names several currencies ({', '.join(ambiguous)}); "
            "write the ISO 4217 code"
        )
    found = _symbols().get(symbol) or _names().get(fold(text))
    return found if found is not None else unreadable(raw, "a currency", ACCEPTED)


@cache
def _symbols() -> dict[str, str]:
    return {s.casefold(): code for s, code in shipped_aliases().currency_symbols.items()}


@cache
def _ambiguous() -> dict[str, list[str]]:
    return {
        s.casefold(): codes for s, codes in shipped_aliases().ambiguous_currency_symbols.items()
    }


@cache
def _names() -> dict[str, str]:
    """Every currency's folded ISO name ("euro", "pound sterling", "us dollar")."""
    return {fold(c.name): str(c.alpha_3) for c in pycountry.currencies}

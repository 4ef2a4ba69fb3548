"""Countries: any usual spelling -> its ISO 3166-1 alpha-2 code."""

from __future__ import annotations

from functools import cache, lru_cache

import pycountry

from mdm_hub.standardise.aliases import shipped_aliases
from mdm_hub.standardise.folding import CACHE_SIZE, fold
from mdm_hub.standardise.outcome import Unreadable, unreadable

ACCEPTED = (
    "an ISO 3166-1 code (DE, DEU, 276, any case), an English, official or common name "
    "(Germany, Republic of Korea, South Korea) or a local name (Deutschland, España)"
)
_ARTICLE = "the "

ALPHA_2 = frozenset(country.alpha_2 for country in pycountry.countries)


def country(raw: object) -> str | Unreadable:
    """ "USA", "U.S.", "united states", "The Netherlands", "España" -> "US", "US", "US", "NL",
    "ES"; an alpha-2 code as it is. Unknown names are refused: a guess would be worse."""
    if type(raw) is str and raw in ALPHA_2:
        return raw  # already canonical: most values
    if not isinstance(raw, str):
        return unreadable(raw, "a country", ACCEPTED)
    found = _lookup(raw)
    return found if found is not None else unreadable(raw, "a country", ACCEPTED)


@lru_cache(maxsize=CACHE_SIZE)
def _lookup(raw: str) -> str | None:
    name = _key(raw)
    return _names().get(name) or _names().get(name.replace(" ", ""))


@cache
def _names() -> dict[str, str]:
    """Every folded name and code pycountry knows, with the shipped aliases; each also
    without its spaces, so "Cote dIvoire" finds "Côte d'Ivoire"."""
    names: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for entry in pycountry.countries:
        code = str(entry.alpha_2)
        spellings = [code, entry.alpha_3, entry.numeric, entry.name]
        spellings += [getattr(entry, "official_name", ""), getattr(entry, "common_name", "")]
        for spelling in filter(None, spellings):
            _add(names, spelling, code)
            if ", " in spelling:
                # "Korea, Republic of" is also "Republic of Korea"; "Bolivia, Plurinational
                # State of" also "Bolivia" when no other country starts so.
                head, tail = spelling.split(", ", 1)
                _add(names, f"{tail} {head}", code)
                short.setdefault(head, set()).add(code)
    for head, codes in short.items():
        if len(codes) == 1:
            _add(names, head, codes.pop())
    for alias, code in shipped_aliases().countries.items():
        _add(names, alias, code)
    return names


def _add(names: dict[str, str], spelling: str, code: str) -> None:
    # First come, first kept: pycountry's own names before the shorter forms derived later.
    key = _key(spelling)
    names.setdefault(key, code)
    names.setdefault(key.replace(" ", ""), code)


def _key(spelling: str) -> str:
    # Dots go first, not to spaces: "U.S.A." is USA, not "u s a".
    return fold(spelling.replace(".", "")).removeprefix(_ARTICLE)

"""The shipped alias file (`value_aliases.yaml`): spellings pycountry does not know."""

from __future__ import annotations

from functools import cache

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mdm_hub.datafiles import read_text, read_yaml, shipped, validation_problems
from mdm_hub.errors import DataFileError, Problem

ALIASES_FILE = "value_aliases.yaml"


def _country(code: str) -> str:
    if pycountry.countries.get(alpha_2=code) is None or code != code.upper():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return code


def _currency(code: str) -> str:
    if pycountry.currencies.get(alpha_3=code) is None or code != code.upper():
        raise ValueError(f"{code!r} is not an ISO 4217 code")
    return code


class ValueAliases(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: dict[str, str] = Field(default_factory=dict)
    currency_symbols: dict[str, str] = Field(default_factory=dict)
    ambiguous_currency_symbols: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("countries")
    @classmethod
    def _countries(cls, aliases: dict[str, str]) -> dict[str, str]:
        return {name: _country(code) for name, code in aliases.items()}

    @field_validator("currency_symbols")
    @classmethod
    def _symbols(cls, symbols: dict[str, str]) -> dict[str, str]:
        return {symbol: _currency(code) for symbol, code in symbols.items()}

    @field_validator("ambiguous_currency_symbols")
    @classmethod
    def _ambiguous(cls, symbols: dict[str, list[str]]) -> dict[str, list[str]]:
        return {symbol: [_currency(code) for code in codes] for symbol, codes in symbols.items()}


@cache
def shipped_aliases() -> ValueAliases:
    """The aliases shipped in the package; raise DataFileError naming each bad entry."""
    path = shipped(ALIASES_FILE)
    label = str(path)
    data = read_yaml(read_text(path, DataFileError), label, DataFileError)
    if not isinstance(data, dict):
        raise DataFileError(label, [Problem("", "must be a mapping")])
    try:
        return ValueAliases.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(label, validation_problems(exc)) from None

"""An export mapping file as written (docs/mappings.md): validated by pydantic, then compiled
into transforms (`compile.py`). Errors name the field by its path in the file."""

from __future__ import annotations

import codecs
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from mdm_hub.domain.attributes import SystemCode
from mdm_hub.domain.entity_types import EntityType

ColumnName = Annotated[str, StringConstraints(min_length=1)]
# YAML reads yes/no/on/off/true/false as booleans: text to compare must be quoted.
Text = str | int | float
KINDS = ("column", "value", "concat", "split", "split_name", "first_of", "when", "reference")
BOOLEAN_HINT = "a YAML boolean; quote the text you mean (e.g. 'yes', 'true')"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _no_booleans(values: list[Any]) -> None:
    if any(isinstance(value, bool) for value in values):
        raise ValueError(BOOLEAN_HINT)


class Condition(_Strict):
    """A test of one column: exactly one of equals, in, empty, matches."""

    column: ColumnName
    equals: Text | None = None
    in_: list[Text] | None = Field(default=None, alias="in", min_length=1)
    empty: bool | None = None
    matches: str | None = None

    @field_validator("equals", "in_", mode="before")
    @classmethod
    def _quoted(cls, value: Any) -> Any:
        _no_booleans(value if isinstance(value, list) else [value])
        return value

    @field_validator("matches")
    @classmethod
    def _regex(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.equals, self.in_, self.empty, self.matches]
        if sum(test is not None for test in tests) != 1:
            raise ValueError("give exactly one of equals, in, empty, matches")
        return self


class Clause(Condition):
    """One branch of `when`: a condition and what to take when it holds."""

    then: TransformSpec


class SplitSpec(_Strict):
    column: ColumnName
    separator: str = Field(min_length=1)
    index: int


class SplitNameSpec(_Strict):
    column: ColumnName
    part: Literal["given", "family", "middle"]


class TransformSpec(_Strict):
    """One transform: exactly one of KINDS, plus optional modifiers. A bare string is a column
    name. `else` goes with `when`; `system` only in a reference's body."""

    column: ColumnName | None = None
    value: Text | bool | None = None
    concat: list[TransformSpec] | None = Field(default=None, min_length=1)
    split: SplitSpec | None = None
    split_name: SplitNameSpec | None = None
    first_of: list[TransformSpec] | None = Field(default=None, min_length=1)
    when: list[Clause] | None = Field(default=None, min_length=1)
    else_: TransformSpec | None = Field(default=None, alias="else")
    reference: TransformSpec | None = None
    system: SystemCode | None = None
    # Modifiers, applied in this order to the transform's value.
    strip_prefix: str | None = Field(default=None, min_length=1)
    strip_suffix: str | None = Field(default=None, min_length=1)
    map: dict[str, str | None] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"column": data} if isinstance(data, str) else data

    @field_validator("map", mode="before")
    @classmethod
    def _text_keys(cls, table: Any) -> Any:
        if not isinstance(table, dict):
            return table
        _no_booleans(list(table))
        # Numeric keys (`map: {1: ACTIVE}`) mean the text "1".
        return {_key(k): v for k, v in table.items()}

    @model_validator(mode="after")
    def _one_kind(self) -> TransformSpec:
        given = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of {', '.join(KINDS)} (found: {found})")
        if self.else_ is not None and self.when is None:
            raise ValueError("`else` goes with `when`")
        if self.map is not None:
            folded = [key.casefold() for key in self.map]
            if len(set(folded)) != len(folded):
                raise ValueError("map: two keys differ only in case (keys match in any case)")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in KINDS if getattr(self, kind) is not None)


def _key(key: object) -> object:
    return str(key) if isinstance(key, int | float) and not isinstance(key, bool) else key


class CsvOptions(_Strict):
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    quotechar: str = Field(default='"', min_length=1, max_length=1)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str) -> str:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}") from None
        return encoding


class MappingFile(_Strict):
    """A mapping file as written."""

    system: SystemCode
    entity_type: EntityType
    object: str = Field(min_length=1, max_length=128)
    format: Literal["csv", "jsonl", "xlsx"] | None = None
    csv: CsvOptions = CsvOptions()
    source_id: TransformSpec
    observed_at: TransformSpec | None = None
    deleted: TransformSpec | None = None
    skip_if: list[Condition] = []  # any that holds leaves the row out; one may be given bare
    attributes: dict[str, TransformSpec] = Field(min_length=1)

    @field_validator("skip_if", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

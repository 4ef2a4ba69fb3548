"""What a steward types to find golden records: checked, and cut into the words the stores'
full-text indexes look up; and what of a record those indexes hold."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mdm_hub.domain.text import check_encodable
from mdm_hub.errors import InvalidInput, Problem

MIN_LENGTH = 3  # the embedded index matches trigrams: shorter text matches nothing
MAX_LENGTH = 200
MAX_WORDS = 12  # each word becomes index look-ups: the cost of a search is bounded by these

# The values both stores index, of a source record and of a steward's pins: what a steward
# searches by. Every attribute (addresses, dates) cost an ingest a fifth more for no search a
# steward makes. The embedded schema's views (schema.sql) name the same list.
SEARCHED_ATTRIBUTES = (
    "name",
    "legal_name",
    "given_name",
    "middle_name",
    "family_name",
    "email",
    "tax_id",
    "employee_number",
    "code",
)


def search_text(attributes: Mapping[str, Any]) -> str:
    """The searched values of a record, as one text for a full-text index."""
    return " ".join(text for name in SEARCHED_ATTRIBUTES for text in _texts(attributes.get(name)))


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif value is not None and not isinstance(value, dict):
        yield str(value)


@dataclass(frozen=True)
class SearchText:
    text: str  # trimmed, case kept
    words: tuple[str, ...]  # lower case, at most MAX_WORDS

    @classmethod
    def parse(cls, raw: str, field: str = "text") -> SearchText:
        text = " ".join(raw.split())
        if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
            raise InvalidInput([Problem(field, f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")])
        try:
            check_encodable(text)
        except ValueError as exc:
            raise InvalidInput([Problem(field, str(exc))]) from None
        words = tuple(dict.fromkeys(w.lower() for w in text.split()))[:MAX_WORDS]
        return cls(text, words)

    def trigrams(self, limit: int) -> list[str]:
        """The distinct trigrams of the words (a word shorter than three: itself left out)."""
        found: dict[str, None] = {}
        for word in self.words:
            for start in range(len(word) - 2):
                found[word[start : start + 3]] = None
        return list(found)[:limit]

    def alphanumeric_words(self) -> list[str]:
        """Runs of letters and digits: what a fuzzy term can be made of."""
        return list(dict.fromkeys(re.findall(r"\w+", " ".join(self.words))))[:MAX_WORDS]

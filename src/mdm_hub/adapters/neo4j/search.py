"""Golden record search on Neo4j: a Lucene query for the full-text index of source records and
pinned golden records (cypher/schema/15_golden_search.cypher)."""

from __future__ import annotations

import re

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.search import SearchText

_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
FUZZY_FROM = 4  # shorter words must match exactly: one edit in three letters is another word
TWO_EDITS_FROM = 6  # below, one edit: two would let "acme" find every record's "name" key


def _escaped(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _fuzzy(term: str, length: int) -> str:
    if length >= TWO_EDITS_FROM:
        return f"{term}~2"
    return f"{term}~1" if length >= FUZZY_FROM else term


def lucene_query(entity_type: EntityType, text: SearchText) -> str:
    """The entity type required; the whole text as a phrase (an e-mail, an ID), or any word,
    fuzzily (a misspelt name)."""
    words = [_fuzzy(_escaped(w), len(w)) for w in text.alphanumeric_words()]
    anyone = " OR ".join([f'"{_escaped(text.text.lower())}"^4', *words])
    return f'+entityType:"{_escaped(entity_type.value)}" +({anyone})'

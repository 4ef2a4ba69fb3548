"""Golden record search on the embedded store: the FTS5 trigram index of source records
(schema.sql keeps it), ranked by bm25 over the trigrams shared with the text."""

from __future__ import annotations

import sqlite3

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.search import SearchText

MAX_TRIGRAMS = 64

_SEARCH = """
SELECT s.goldenId AS id, min(f.rank) AS best
FROM (
  SELECT rowid, rank FROM source_search WHERE source_search MATCH ? ORDER BY rank LIMIT ?
) AS f
JOIN source_record s ON s.pk = f.rowid
WHERE s.entityType = ? AND s.goldenId IS NOT NULL
GROUP BY s.goldenId
ORDER BY best, id
LIMIT ?
"""


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(entity_type: EntityType, text: SearchText) -> str | None:
    """The FTS5 query: the entity type, and any of the text's trigrams; None: nothing to find."""
    trigrams = text.trigrams(MAX_TRIGRAMS)
    if not trigrams:
        return None
    anyone = " OR ".join(_quoted(t) for t in trigrams)
    return f"entityType : {_quoted(entity_type.value)} AND body : ({anyone})"


def search_goldens(
    db: sqlite3.Connection, entity_type: EntityType, text: SearchText, pool: int, limit: int
) -> list[str]:
    expression = match_expression(entity_type, text)
    if expression is None:
        return []
    rows = db.execute(_SEARCH, (expression, pool, entity_type.value, limit)).fetchall()
    return [row[0] for row in rows]

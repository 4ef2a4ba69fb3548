"""Golden record search on the embedded store: the FTS5 trigram indexes of source records and
of steward pins (schema.sql keeps them), ranked by bm25 over the trigrams shared with the
text."""

from __future__ import annotations

import sqlite3

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.search import SearchText

MAX_TRIGRAMS = 64

# Each index proposes at most `pool` rows (bounded cost); a golden record is ranked by its
# best row. A pin's row stands for its golden record itself, unless that was merged away.
_SEARCH = """
SELECT id, min(rank) AS best
FROM (
  SELECT s.goldenId AS id, f.rank
  FROM (
    SELECT rowid, rank FROM source_search WHERE source_search MATCH :match
    ORDER BY rank LIMIT :pool
  ) AS f
  JOIN source_record s ON s.pk = f.rowid
  WHERE s.entityType = :entityType AND s.goldenId IS NOT NULL
  UNION ALL
  SELECT p.goldenId, p.rank
  FROM (
    SELECT goldenId, rank FROM pin_search WHERE pin_search MATCH :match
    ORDER BY rank LIMIT :pool
  ) AS p
  JOIN golden g ON g.id = p.goldenId
  WHERE g.entityType = :entityType AND g.mergedInto IS NULL
)
GROUP BY id
ORDER BY best, id
LIMIT :limit
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
    parameters = {
        "match": expression,
        "pool": pool,
        "entityType": entity_type.value,
        "limit": limit,
    }
    rows = db.execute(_SEARCH, parameters).fetchall()
    return [row[0] for row in rows]

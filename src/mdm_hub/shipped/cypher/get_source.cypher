// The current version of a source record and its one active membership.
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
      -[m:MEMBER_OF]->(g:Golden)
RETURN s {.*} AS source, g.id AS goldenId, m.since AS since, m.decidedBy AS decidedBy,
       m.score AS score, m.explanation AS explanation

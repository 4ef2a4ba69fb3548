// The current version of a source record and its one active membership, read for update:
// writing to the record (a property set and removed: nothing stored) takes its write lock until
// commit, and the version and membership are read after it, so concurrent upserts of one
// record take turns and each writes the next version (not two the same).
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
SET s.lockedForUpdate = true
REMOVE s.lockedForUpdate
WITH s
MATCH (s)-[m:MEMBER_OF]->(g:Golden)
RETURN s {.*} AS source, g.id AS goldenId, m.since AS since, m.decidedBy AS decidedBy,
       m.score AS score, m.explanation AS explanation

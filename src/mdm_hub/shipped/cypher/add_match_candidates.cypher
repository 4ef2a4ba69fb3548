// Review candidates held by a transaction (write_buffer.py), in one statement, after the new
// source records they are for: each row a MatchCandidate linked to its source record (none
// when that record is missing).
UNWIND $candidates AS row
MATCH (s:SourceRecord {system: row.system, entityType: row.entityType, sourceId: row.sourceId})
CREATE (c:MatchCandidate {
  id: row.id, system: row.system, entityType: row.entityType, sourceId: row.sourceId,
  goldenId: row.goldenId, status: row.status, createdAt: row.createdAt,
  candidates: row.candidates
})
CREATE (c)-[:FOR_SOURCE]->(s)

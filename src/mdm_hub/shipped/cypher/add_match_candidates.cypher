// Review candidates held by a transaction (write_buffer.py), in one statement, after the new
// source records they are for: each row a MatchCandidate linked to its source record (none
// when that record is missing). The time arrives as ISO text (adapters/neo4j/times.py).
UNWIND $candidates AS row
MATCH (s:SourceRecord {system: row.system, entityType: row.entityType, sourceId: row.sourceId})
CREATE (c:MatchCandidate {
  id: row.id, system: row.system, entityType: row.entityType, sourceId: row.sourceId,
  goldenId: row.goldenId, status: row.status, createdAt: datetime(row.createdAt),
  candidates: row.candidates
})
CREATE (c)-[:FOR_SOURCE]->(s)

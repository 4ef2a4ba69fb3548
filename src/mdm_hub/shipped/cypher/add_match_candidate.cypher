MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
CREATE (c:MatchCandidate {
  id: $id, system: $system, entityType: $entityType, sourceId: $sourceId,
  goldenId: $goldenId, status: $status, createdAt: $createdAt, candidates: $candidates
})
CREATE (c)-[:FOR_SOURCE]->(s)

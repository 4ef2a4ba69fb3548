// The OPEN match candidates of these source records (found by the source key constraint),
// oldest first: those a steward's merge or unmerge settles.
UNWIND $keys AS key
MATCH (s:SourceRecord {system: key.system, entityType: key.entityType, sourceId: key.sourceId})
MATCH (c:MatchCandidate)-[:FOR_SOURCE]->(s)
WHERE c.status = $open
RETURN c {.*} AS candidate
ORDER BY c.createdAt, c.id

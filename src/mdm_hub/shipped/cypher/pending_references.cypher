// References still waiting for their target, oldest first, one page after a cursor position;
// with $system, only those whose referring record or target is of that system.
MATCH (r:Pending)
WHERE ($afterAt IS NULL OR r.recordedAt > $afterAt OR (r.recordedAt = $afterAt AND r.key > $afterKey))
  AND ($system IS NULL OR r.targetSystem = $system
       OR EXISTS { MATCH (:SourceRecord {system: $system})-[:ASSERTS]->(r) })
WITH r ORDER BY r.recordedAt, r.key LIMIT $limit
MATCH (s:SourceRecord)-[:ASSERTS]->(r)
MATCH (s)-[:MEMBER_OF]->(g:Golden)
RETURN s.system AS system, s.entityType AS entityType, s.sourceId AS sourceId,
       g.id AS goldenId, r.attribute AS attribute, r.type AS type,
       r.targetSystem AS targetSystem, r.targetEntityType AS targetEntityType,
       r.targetSourceId AS targetSourceId, r.sourceVersion AS sourceVersion,
       r.recordedAt AS recordedAt
ORDER BY r.recordedAt, r.key

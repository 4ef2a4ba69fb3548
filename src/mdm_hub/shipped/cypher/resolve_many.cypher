// A whole batch in one statement; rows come back in input order, null where unknown. Retired
// members come with their retiredAt (the caller tells them from live ones); a golden record
// written before statuses existed is ACTIVE.
UNWIND range(0, size($refs) - 1) AS i
WITH i, $refs[i] AS ref
OPTIONAL MATCH (s:SourceRecord {system: ref.system, entityType: ref.entityType, sourceId: ref.sourceId})
               -[:MEMBER_OF]->(g:Golden)
OPTIONAL MATCH (g)<-[:MEMBER_OF]-(m:SourceRecord)
WITH i, g, m ORDER BY m.system, m.sourceId
WITH i, g, collect(m {.system, .entityType, .sourceId, .retiredAt}) AS crosswalk
RETURN i, g.id AS goldenId, g.entityType AS entityType,
       coalesce(g.status, 'ACTIVE') AS status, crosswalk
ORDER BY i

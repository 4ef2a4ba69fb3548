// Edges of these golden records in one direction ($outgoing), of the given types, each with
// the references that assert it: one row per reference, ordered by edge for grouping.
UNWIND $goldenIds AS goldenId
MATCH (g:Golden {id: goldenId})-[e:$any($types)]-(:Golden)
WHERE (startNode(e) = g) = $outgoing
WITH DISTINCT e
WITH e, startNode(e) AS fromGolden, endNode(e) AS toGolden
MATCH (fromGolden)<-[:MEMBER_OF]-(s:SourceRecord)-[:ASSERTS]->(r:Reference)
      -[:TARGETS]->(:SourceRecord)-[:MEMBER_OF]->(toGolden)
WHERE r.type = type(e)
RETURN fromGolden.id AS fromId, type(e) AS type, toGolden.id AS toId, s.system AS system,
       s.entityType AS entityType, s.sourceId AS sourceId, r.attribute AS attribute,
       r.sourceVersion AS sourceVersion, r.observedAt AS observedAt, r.recordedAt AS recordedAt
ORDER BY fromId, type, toId, system, sourceId, attribute

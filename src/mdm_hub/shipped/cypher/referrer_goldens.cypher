// For each target record, the golden records of the live records of one type whose reference
// attribute names it: linked (a TARGETS edge) or parked (a target not stored yet has
// referrers too). Matching weighs how far two records' referrers are the same goldens.
UNWIND range(0, size($targets) - 1) AS i
WITH i, $targets[i] AS t
CALL (t) {
  MATCH (:SourceRecord {system: t.system, entityType: t.entityType, sourceId: t.sourceId})
        <-[:TARGETS]-(r:Reference)<-[:ASSERTS]-(s:SourceRecord)
  WHERE r.attribute = $attribute AND s.entityType = $referrerType
  RETURN s
  UNION
  MATCH (r:Pending {targetSystem: t.system, targetEntityType: t.entityType,
                    targetSourceId: t.sourceId})<-[:ASSERTS]-(s:SourceRecord)
  WHERE r.attribute = $attribute AND s.entityType = $referrerType
  RETURN s
}
MATCH (s)-[:MEMBER_OF]->(g:Golden)
WHERE s.retiredAt IS NULL
RETURN DISTINCT i, g.id AS goldenId

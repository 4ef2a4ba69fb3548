// Candidate retrieval: source records sharing any of the incoming record's keys, bounded per
// key (a common key cannot flood the matcher) and overall (top-K by keys shared).
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
CALL (k) {
  MATCH (k)<-[:HAS_KEY]-(s:SourceRecord)
  RETURN s
  LIMIT $perKeyLimit
}
WITH s, count(*) AS shared
WHERE s.entityType = $entityType
MATCH (s)-[:MEMBER_OF]->(g:Golden)
RETURN s.system AS system, s.entityType AS entityType, s.sourceId AS sourceId,
       s.attributes AS attributes, s.contentHash AS contentHash, g.id AS goldenId, g.createdAt AS goldenCreatedAt, shared
ORDER BY shared DESC, goldenCreatedAt, goldenId, system, sourceId
LIMIT $topK

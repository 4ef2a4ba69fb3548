// Candidate retrieval: live (not retired) source records sharing any of the incoming record's
// keys, at most $perKeyLimit per key (a common key cannot flood the matcher). A key weighs
// $weights[records it returned] (rarer keys weigh more); a record weighs the sum over the keys
// it shares, and only the $topK heaviest are returned.
// Each of $references is one more key, read through the crosswalk: the live records of
// $entityType whose reference attribute points at a member of the golden record the target
// belongs to now (the projects of this customer), at most $perKeyLimit of them.
// First each key node is written, which takes its write lock until commit: two records that
// could match each other serialise here, so they cannot both start a golden record. The keys
// arrive sorted (no deadlock cycles); the reads below come after the locks.
CALL () {
  UNWIND $keys AS lockKey
  MERGE (locked:MatchKey {key: lockKey})
  SET locked.lockedAt = $now
}
CALL () {
  UNWIND $keys AS key
  MATCH (k:MatchKey {key: key})
  CALL (k) {
    MATCH (k)<-[:HAS_KEY]-(s:SourceRecord)
    WHERE s.retiredAt IS NULL
    RETURN s
    LIMIT $perKeyLimit
  }
  RETURN key AS lookup, collect(s) AS found
  UNION ALL
  UNWIND $references AS ref
  CALL (ref) {
    // Two MATCH clauses: in one pattern the target's own MEMBER_OF edge could not be
    // walked back, and what refers to the target itself would be missed.
    MATCH (:SourceRecord {system: ref.system, entityType: ref.entityType, sourceId: ref.sourceId})
          -[:MEMBER_OF]->(g:Golden)
    MATCH (g)<-[:MEMBER_OF]-(:SourceRecord)<-[:TARGETS]-(r:Reference)<-[:ASSERTS]-(s:SourceRecord)
    WHERE r.attribute = ref.attribute AND s.entityType = $entityType AND s.retiredAt IS NULL
    RETURN DISTINCT s
    LIMIT $perKeyLimit
  }
  RETURN 'reference ' + toString(ref.lookup) AS lookup, collect(s) AS found
}
WITH found, $weights[size(found)] AS keyWeight
UNWIND found AS s
WITH s, count(*) AS shared, sum(keyWeight) AS weight
WHERE s.entityType = $entityType
MATCH (s)-[:MEMBER_OF]->(g:Golden)
RETURN s.system AS system, s.entityType AS entityType, s.sourceId AS sourceId,
       s.attributes AS attributes, s.contentHash AS contentHash,
       s.matchValues AS matchValues, g.id AS goldenId,
       g.createdAt AS goldenCreatedAt, shared, weight
ORDER BY weight DESC, shared DESC, goldenCreatedAt, goldenId, system, sourceId
LIMIT $topK

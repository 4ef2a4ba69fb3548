// A golden record locked and read in one round trip: take the write lock of the golden
// record asked for (a merged-away ID: the survivor at the end of its MERGED_INTO
// chain), then read, after the lock, the end of the locked one's chain with its members and
// override history. `lockedId` is the record locked; `mergedFrom` is set only when the locked
// one was merged away while this waited for its lock. Times are read as text
// (adapters/neo4j/times.py: the driver's temporal decoding is slow).
MATCH (asked:Golden {id: $goldenId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH coalesce(survivor, asked) AS locked
SET locked.lockedAt = $now
WITH locked
OPTIONAL MATCH (locked)-[:MERGED_INTO*1..]->(later:Golden)
WHERE later.mergedInto IS NULL
WITH locked, coalesce(later, locked) AS g
CALL (g) {
  OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
  WITH s ORDER BY s.system, s.sourceId
  RETURN collect(s {
    .*, observedAt: toString(s.observedAt), recordedAt: toString(s.recordedAt),
    retiredAt: toString(s.retiredAt), retiredObservedAt: toString(s.retiredObservedAt)
  }) AS members
}
CALL (g) {
  OPTIONAL MATCH (g)-[:HAS_OVERRIDE]->(o:StewardOverride)
  WITH o ORDER BY o.revision
  RETURN collect(o {.*, at: toString(o.at)}) AS overrides
}
RETURN locked.id AS lockedId, g {
         .*, createdAt: toString(g.createdAt), updatedAt: toString(g.updatedAt),
         lockedAt: toString(g.lockedAt)
       } AS golden, members, overrides,
       CASE WHEN g = locked THEN null ELSE locked.id END AS mergedFrom

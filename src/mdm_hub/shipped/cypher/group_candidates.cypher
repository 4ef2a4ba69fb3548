// The second statement of a group of upserts (after lock_group_sources.cypher): the match
// keys the group may write or drop, locked in sorted order as candidates.cypher locks one
// record's, then for each key in $keys the live source records holding it, at most $limit
// (one more than the group's largest per-key limit: a key with more than a record's limit
// is asked again with candidates.cypher, whose LIMIT picks which). Each hit comes with its
// golden record, as candidates.cypher reads it; a hit without one counts, but is no
// candidate. A key no live record holds gives no row.
CALL {
  UNWIND $lockKeys AS lockKey
  MERGE (locked:MatchKey {key: lockKey})
  SET locked.lockedAt = $now
}
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
CALL (k) {
  MATCH (k)<-[:HAS_KEY]-(s:SourceRecord)
  WHERE s.retiredAt IS NULL
  RETURN s
  LIMIT $limit
}
OPTIONAL MATCH (s)-[:MEMBER_OF]->(g:Golden)
RETURN key, collect({
  system: s.system, entityType: s.entityType, sourceId: s.sourceId, attributes: s.attributes,
  contentHash: s.contentHash, goldenId: g.id, goldenCreatedAt: g.createdAt
}) AS hits

// New source records of one group with their memberships, in one statement: for each row
// what put_member_source.cypher does for one. `linked` counts the rows whose golden record
// was found; fewer than sent and the caller rolls the whole transaction back. CREATE, not
// MERGE: a concurrent writer that created the same record first fails this one on the key's
// uniqueness constraint, and the store runs the work again, which then updates that record
// (a MERGE would take it over: a second golden record, and its history restarted at v1).
// The record is created here, so it has no keys or membership yet: each is created, not
// merged (a key listed once per row: write_buffer.py). Times arrive as ISO text
// (adapters/neo4j/times.py).
UNWIND $sources AS src
CALL (src) {
  CREATE (s:SourceRecord {system: src.system, entityType: src.entityType, sourceId: src.sourceId})
  SET s.attributes = src.attributes, s.searchText = src.searchText,
      s.contentHash = src.contentHash, s.version = src.version,
      s.observedAt = datetime(src.observedAt), s.recordedAt = datetime(src.recordedAt),
      s.sent = src.sent
  CREATE (s)-[:HAS_VERSION]->(:SourceVersion {
    version: src.version, attributes: src.attributes, contentHash: src.contentHash,
    observedAt: s.observedAt, recordedAt: s.recordedAt, sent: src.sent
  })
  FOREACH (key IN src.keys |
    MERGE (k:MatchKey {key: key})
    CREATE (s)-[:HAS_KEY]->(k)
  )
  WITH s, src
  // A golden record a steward merged away since matching chose it (committed while this
  // group ran): its survivor, where the merge moved every other member.
  MATCH (asked:Golden {id: src.goldenId})
  OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
  WHERE survivor.mergedInto IS NULL
  WITH s, src, coalesce(survivor, asked) AS g
  CREATE (s)-[:MEMBER_OF {
    since: datetime(src.since), decidedBy: src.decidedBy, score: src.score,
    explanation: src.explanation
  }]->(g)
  RETURN count(*) AS linkedOne
}
RETURN sum(linkedOne) AS linked

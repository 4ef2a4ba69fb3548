// A new source record (or its new version) with its membership, in one round trip: the
// put_source and set_membership statements one after the other. No golden record: no row,
// and the caller rolls the whole transaction back.
MERGE (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
SET s.attributes = $attributes, s.searchText = $searchText,
    s.contentHash = $contentHash, s.version = $version,
    s.observedAt = $observedAt, s.recordedAt = $recordedAt, s.sent = $sent,
    s.matchValues = $matchValues
CREATE (s)-[:HAS_VERSION]->(:SourceVersion {
  version: $version, attributes: $attributes, contentHash: $contentHash,
  observedAt: $observedAt, recordedAt: $recordedAt, sent: $sent
})
WITH s
OPTIONAL MATCH (s)-[oldKey:HAS_KEY]->(:MatchKey)
DELETE oldKey
WITH DISTINCT s
// FOREACH keeps the row when there are no keys (an UNWIND of none would end the query).
FOREACH (key IN $keys |
  MERGE (k:MatchKey {key: key})
  MERGE (s)-[:HAS_KEY]->(k)
)
WITH s
// A golden record a steward merged away since matching chose it: its survivor (the merge
// moved every member there, and so must this one be).
MATCH (asked:Golden {id: $goldenId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH s, coalesce(survivor, asked) AS g
OPTIONAL MATCH (s)-[oldMembership:MEMBER_OF]->()
DELETE oldMembership
WITH DISTINCT s, g
CREATE (s)-[:MEMBER_OF {
  since: $since, decidedBy: $decidedBy, score: $score, explanation: $explanation
}]->(g)
RETURN count(*) AS linked

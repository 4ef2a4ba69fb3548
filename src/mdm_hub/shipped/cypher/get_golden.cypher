// A golden record with its members (the crosswalk) and its steward override history.
// A merged-away ID answers with the end of its MERGED_INTO chain, however long.
MATCH (asked:Golden {id: $goldenId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH asked, coalesce(survivor, asked) AS g
CALL (g) {
  OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
  WITH s ORDER BY s.system, s.sourceId
  RETURN collect(s {.*}) AS members
}
CALL (g) {
  OPTIONAL MATCH (g)-[:HAS_OVERRIDE]->(o:StewardOverride)
  WITH o ORDER BY o.revision
  RETURN collect(o {.*}) AS overrides
}
RETURN g {.*} AS golden, members, overrides,
       CASE WHEN g = asked THEN null ELSE asked.id END AS mergedFrom

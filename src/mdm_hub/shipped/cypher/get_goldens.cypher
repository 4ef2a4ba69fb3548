// Golden records with their crosswalks and steward override histories, by the IDs asked for:
// a merged-away ID answers with the end of its MERGED_INTO chain. The caller keeps input order.
UNWIND $ids AS askedId
MATCH (asked:Golden {id: askedId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH askedId, coalesce(survivor, asked) AS g
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
RETURN askedId, g {.*} AS golden, members, overrides,
       CASE WHEN g.id = askedId THEN null ELSE askedId END AS mergedFrom

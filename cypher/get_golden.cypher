// A golden record with its members (the crosswalk) and its steward override history.
MATCH (g:Golden {id: $goldenId})
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
RETURN g {.*} AS golden, members, overrides

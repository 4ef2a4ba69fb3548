// Golden records with their crosswalks; the caller puts them in input order.
MATCH (g:Golden)
WHERE g.id IN $ids
CALL (g) {
  OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
  WITH s ORDER BY s.system, s.sourceId
  RETURN collect(s {.*}) AS members
}
RETURN g {.*} AS golden, members

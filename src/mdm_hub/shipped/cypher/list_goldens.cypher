// Golden records of one entity type (merged-away ones left out: they answer as their
// survivor) with their crosswalks and override histories, oldest first, one page after a
// cursor position; only those updated at or after $updatedSince when given, and only those
// holding a member (live or retired) from one of $systems when given, as changes.cypher.
MATCH (g:Golden {entityType: $entityType})
WHERE g.mergedInto IS NULL
  AND ($updatedSince IS NULL OR g.updatedAt >= $updatedSince)
  AND ($systems IS NULL OR EXISTS {
    MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
    WHERE s.system IN $systems
  })
  AND ($afterAt IS NULL OR g.createdAt > $afterAt OR (g.createdAt = $afterAt AND g.id > $afterKey))
WITH g ORDER BY g.createdAt, g.id LIMIT $limit
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
ORDER BY golden.createdAt, golden.id

// Golden records of one entity type with their crosswalks, oldest first, one page after a
// cursor position.
MATCH (g:Golden {entityType: $entityType})
WHERE $afterAt IS NULL OR g.createdAt > $afterAt OR (g.createdAt = $afterAt AND g.id > $afterKey)
WITH g ORDER BY g.createdAt, g.id LIMIT $limit
CALL (g) {
  OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
  WITH s ORDER BY s.system, s.sourceId
  RETURN collect(s {.*}) AS members
}
RETURN g {.*} AS golden, members
ORDER BY golden.createdAt, golden.id

// Keyset paging in (createdAt, id) order, after the candidate whose ID is the cursor.
OPTIONAL MATCH (cursor:MatchCandidate {id: $after})
WITH cursor
MATCH (c:MatchCandidate)
WHERE ($status IS NULL OR c.status = $status)
  AND ($entityType IS NULL OR c.entityType = $entityType)
  AND (cursor IS NULL OR c.createdAt > cursor.createdAt
       OR (c.createdAt = cursor.createdAt AND c.id > cursor.id))
RETURN c {.*} AS candidate
ORDER BY c.createdAt, c.id
LIMIT $first

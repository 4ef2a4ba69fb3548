// Keyset paging in ID order, backed by the (entityType, id) index: no page scans the ones
// before it.
MATCH (g:Golden)
WHERE g.entityType = $entityType AND g.id > $after
RETURN g.id AS id
ORDER BY g.id
LIMIT $limit

// Change events after a position, in position order; only of some entity types, and only of
// golden records holding a member from one of some systems, when given.
MATCH (c:ChangeEvent)
WHERE c.position > $after
  AND ($entityTypes IS NULL OR c.entityType IN $entityTypes)
  AND ($systems IS NULL OR EXISTS {
    MATCH (:Golden {id: c.goldenId})<-[:MEMBER_OF]-(s:SourceRecord)
    WHERE s.system IN $systems
  })
RETURN c {.*} AS change
ORDER BY c.position
LIMIT $limit

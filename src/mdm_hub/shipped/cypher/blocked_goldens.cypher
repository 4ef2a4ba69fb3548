// Golden records a source record must not join: a steward said not-a-match to a member.
MATCH (:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
      -[:NOT_A_MATCH]-(:SourceRecord)-[:MEMBER_OF]->(g:Golden)
RETURN DISTINCT g.id AS goldenId

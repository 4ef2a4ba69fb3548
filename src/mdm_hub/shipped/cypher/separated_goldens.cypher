// Pairs among these golden records that a steward kept apart (not-a-match between members).
UNWIND $goldenIds AS goldenId
MATCH (:Golden {id: goldenId})<-[:MEMBER_OF]-(:SourceRecord)-[:NOT_A_MATCH]-(:SourceRecord)
      -[:MEMBER_OF]->(other:Golden)
WHERE other.id IN $goldenIds
RETURN DISTINCT goldenId AS x, other.id AS y

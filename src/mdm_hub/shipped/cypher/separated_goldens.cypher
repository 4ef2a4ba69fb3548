// Pairs among these golden records that a steward kept apart (not-a-match between members).
// Neo4j's count of NOT_A_MATCH relationships (its counts store: one read, this transaction's
// own included) comes first: without any, no member's relationships are walked to find one.
CALL () {
  MATCH ()-[separation:NOT_A_MATCH]->()
  RETURN count(separation) AS separations
}
WITH separations
WHERE separations > 0
UNWIND $goldenIds AS goldenId
MATCH (:Golden {id: goldenId})<-[:MEMBER_OF]-(:SourceRecord)-[:NOT_A_MATCH]-(:SourceRecord)
      -[:MEMBER_OF]->(other:Golden)
WHERE other.id IN $goldenIds
RETURN DISTINCT goldenId AS x, other.id AS y

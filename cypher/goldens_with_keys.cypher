// Golden records that already hold a member with any of these strong-identifier keys.
UNWIND $keys AS key
MATCH (:MatchKey {key: key})<-[:HAS_KEY]-(:SourceRecord)-[:MEMBER_OF]->(g:Golden)
WHERE g.entityType = $entityType
WITH DISTINCT g
RETURN g.id AS id
ORDER BY g.createdAt, g.id

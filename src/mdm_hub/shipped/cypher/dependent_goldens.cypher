// Golden records whose outgoing edges depend on these source records: the ones they belong
// to, and the ones of records that refer to them.
UNWIND $keys AS key
MATCH (s:SourceRecord {system: key.system, entityType: key.entityType, sourceId: key.sourceId})
CALL (s) {
  MATCH (s)-[:MEMBER_OF]->(own:Golden)
  RETURN own.id AS id
  UNION
  MATCH (s)<-[:TARGETS]-(:Reference)<-[:ASSERTS]-(:SourceRecord)-[:MEMBER_OF]->(referrer:Golden)
  RETURN referrer.id AS id
}
RETURN DISTINCT id

// A record the hub had not seen has arrived: the references parked for it now point at it.
MATCH (t:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
CALL (t) {
  MATCH (r:Pending {targetSystem: $system, targetEntityType: $entityType, targetSourceId: $sourceId})
        <-[:ASSERTS]-(s:SourceRecord)-[:MEMBER_OF]->(g:Golden)
  WITH r, s, g ORDER BY r.key
  REMOVE r:Pending
  CREATE (r)-[:TARGETS]->(t)
  RETURN collect({
    system: s.system, entityType: s.entityType, sourceId: s.sourceId, goldenId: g.id,
    attribute: r.attribute, type: r.type
  }) AS linked
}
RETURN linked

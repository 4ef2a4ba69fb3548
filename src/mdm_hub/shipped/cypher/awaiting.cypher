// The references parked for a record, with their referrers' golden records, left parked: what
// link_pending would link once the record is stored (matching asks before it is).
MATCH (r:Pending {targetSystem: $system, targetEntityType: $entityType, targetSourceId: $sourceId})
      <-[:ASSERTS]-(s:SourceRecord)-[:MEMBER_OF]->(g:Golden)
RETURN s.system AS system, s.entityType AS entityType, s.sourceId AS sourceId, g.id AS goldenId,
       r.attribute AS attribute, r.type AS type
ORDER BY r.key

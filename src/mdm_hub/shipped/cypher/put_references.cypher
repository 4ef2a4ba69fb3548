// Replace what one source record asserts for the given attributes: drop its old references,
// then store the new ones with this version as provenance. Each points at its target record
// when the hub knows it; otherwise it is parked (label :Pending) until the target arrives.
// The target lookup is a locking seek on the source-record key constraint: it holds that key
// until commit even when no record has it, so a concurrent upsert creating the target waits
// for this transaction and then links the parked reference (never left pending).
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
OPTIONAL MATCH (s)-[:ASSERTS]->(old:Reference)
WHERE old.attribute IN $replaced
DETACH DELETE old
WITH DISTINCT s
CALL (s) {
  UNWIND $asserted AS ref
  CREATE (s)-[:ASSERTS]->(r:Reference {
    key: ref.key, attribute: ref.attribute, type: ref.type, targetSystem: ref.targetSystem,
    targetEntityType: ref.targetEntityType, targetSourceId: ref.targetSourceId,
    sourceVersion: $version, observedAt: $observedAt, recordedAt: $recordedAt
  })
  WITH ref, r
  OPTIONAL MATCH (t:SourceRecord {
    system: ref.targetSystem, entityType: ref.targetEntityType, sourceId: ref.targetSourceId
  })
  OPTIONAL MATCH (t)-[:MEMBER_OF]->(g:Golden)
  FOREACH (_ IN CASE WHEN t IS NULL THEN [1] ELSE [] END | SET r:Pending)
  FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (r)-[:TARGETS]->(t))
  RETURN collect([ref.key, g.id]) AS targets
}
RETURN targets

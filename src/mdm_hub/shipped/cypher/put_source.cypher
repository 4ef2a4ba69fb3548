// Insert a source record or store its new version; every version is kept as a node.
MERGE (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
SET s.attributes = $attributes, s.searchText = $searchText,
    s.contentHash = $contentHash, s.version = $version,
    s.observedAt = $observedAt, s.recordedAt = $recordedAt, s.sent = $sent,
    s.matchValues = $matchValues
CREATE (s)-[:HAS_VERSION]->(:SourceVersion {
  version: $version, attributes: $attributes, contentHash: $contentHash,
  observedAt: $observedAt, recordedAt: $recordedAt, sent: $sent
})
WITH s
OPTIONAL MATCH (s)-[old:HAS_KEY]->(:MatchKey)
DELETE old
WITH DISTINCT s
UNWIND $keys AS key
MERGE (k:MatchKey {key: key})
MERGE (s)-[:HAS_KEY]->(k)

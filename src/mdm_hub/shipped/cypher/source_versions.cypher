MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
      -[:HAS_VERSION]->(v:SourceVersion)
RETURN v {.*, system: s.system, entityType: s.entityType, sourceId: s.sourceId} AS source
ORDER BY v.version

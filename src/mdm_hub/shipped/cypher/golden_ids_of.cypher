// The golden record each source record belongs to, for a whole list of keys in one statement
// (matching resolves a record's references and its candidates' at once). Unknown keys give
// no row.
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS key
MATCH (:SourceRecord {system: key.system, entityType: key.entityType, sourceId: key.sourceId})
      -[:MEMBER_OF]->(g:Golden)
RETURN i, g.id AS goldenId

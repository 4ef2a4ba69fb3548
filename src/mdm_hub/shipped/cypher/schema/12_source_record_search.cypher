// Golden record search (searchGoldenRecords): source records by entity type, ID and values
// (stored as JSON text), for fuzzy Lucene queries; a golden record is found by its members.
CREATE FULLTEXT INDEX source_record_search IF NOT EXISTS
FOR (s:SourceRecord) ON EACH [s.entityType, s.sourceId, s.attributes]

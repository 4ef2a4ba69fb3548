// A Neo4j store as a release before golden_search left it (statements run one by one).
MATCH (s:SourceRecord) REMOVE s.searchText;
MATCH (g:Pinned) REMOVE g:Pinned, g.searchText;
MATCH (u:SchemaUpgrade) DELETE u;
DROP INDEX golden_search IF EXISTS;
CREATE FULLTEXT INDEX source_record_search IF NOT EXISTS
FOR (s:SourceRecord) ON EACH [s.entityType, s.sourceId, s.attributes]

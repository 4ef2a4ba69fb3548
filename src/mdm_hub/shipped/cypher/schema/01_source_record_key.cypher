// A source record is unique by (system, entity type, source ID): the crosswalk's key.
CREATE CONSTRAINT source_record_key IF NOT EXISTS
FOR (s:SourceRecord) REQUIRE (s.system, s.entityType, s.sourceId) IS UNIQUE

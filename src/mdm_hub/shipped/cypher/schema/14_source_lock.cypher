// One lock node per source record key, stored or not yet: a group of upserts locks its
// records' keys here first (lock_group_sources.cypher), so two upserts of one record take
// turns from their first statement, whichever path (create or update) each then takes.
CREATE CONSTRAINT source_lock_key IF NOT EXISTS
FOR (l:SourceLock) REQUIRE (l.system, l.entityType, l.sourceId) IS UNIQUE

// Make a retired source record live again (locked before it is read, as in retire_source).
// No record: no row.
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
SET s._lock = true
WITH s, s.retiredAt IS NOT NULL AS retired
REMOVE s._lock, s.retiredAt, s.retiredObservedAt, s.retiredReason
RETURN retired AS changed

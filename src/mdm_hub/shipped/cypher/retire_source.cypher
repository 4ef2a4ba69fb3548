// Retire a live source record: it keeps its membership (lineage, resolve) but is no live member
// and no match candidate. The lock property is written before retiredAt is read (Neo4j's
// documented guard against lost updates under read committed): a concurrent retirement of the
// same record waits, then reads this one's, so only one of them counts. No record: no row.
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
SET s._lock = true
WITH s, s.retiredAt IS NULL AS live
FOREACH (_ IN CASE WHEN live THEN [1] ELSE [] END |
  SET s.retiredAt = $recordedAt, s.retiredObservedAt = $observedAt, s.retiredReason = $reason
)
REMOVE s._lock
RETURN live AS changed

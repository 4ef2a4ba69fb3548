// The first statement of a group of upserts (store.write_each with hints), and its first
// locks. Every upsert takes its locks in one order: its record's key, then its match keys in
// sorted order (group_candidates.cypher). The record's key is locked on a SourceLock node,
// merged, so a record not stored yet is locked as well as a stored one: two upserts of one
// record take turns from the start, whichever path each then takes. The records arrive
// sorted (no deadlock cycles between groups); each stored one is then locked itself (as
// get_source.cypher does, so a retirement waits too) and read after its locks.
// Returns, per stored record, what get_source.cypher returns (no membership: no row), the
// match keys it holds now (an update drops them, so they are locked with the others) and
// what blocked_goldens.cypher returns for it. Times are read as text
// (adapters/neo4j/times.py).
UNWIND $sources AS src
MERGE (l:SourceLock {system: src.system, entityType: src.entityType, sourceId: src.sourceId})
SET l.lockedAt = $now
WITH src
MATCH (s:SourceRecord {system: src.system, entityType: src.entityType, sourceId: src.sourceId})
SET s.lockedForUpdate = true
REMOVE s.lockedForUpdate
WITH s
MATCH (s)-[m:MEMBER_OF]->(g:Golden)
OPTIONAL MATCH (s)-[:HAS_KEY]->(k:MatchKey)
WITH s, m, g, collect(k.key) AS keys
OPTIONAL MATCH (s)-[:NOT_A_MATCH]-(:SourceRecord)-[:MEMBER_OF]->(b:Golden)
WITH s, m, g, keys, collect(DISTINCT b.id) AS blocked
RETURN s {
         .*, observedAt: toString(s.observedAt), recordedAt: toString(s.recordedAt),
         retiredAt: toString(s.retiredAt), retiredObservedAt: toString(s.retiredObservedAt)
       } AS source, g.id AS goldenId, toString(m.since) AS since, m.decidedBy AS decidedBy,
       m.score AS score, m.explanation AS explanation, keys, blocked

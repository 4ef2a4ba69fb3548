// A group's up-front golden reads (after lock_group_sources.cypher, group_candidates.cypher
// and the audit head): the golden records of the candidates each record weighs, locked in the
// order given (sorted: one order for every group) and read after its lock with its members
// and override history, as lock_read_golden.cypher reads one. `mergedInto` is set when one was
// merged away while this waited for its lock (the caller then leaves it to the live query).
// Times are read as text (adapters/neo4j/times.py: the driver's temporal decoding is slow).
UNWIND $goldenIds AS goldenId
MATCH (g:Golden {id: goldenId})
SET g.lockedAt = $now
WITH g
CALL (g) {
  OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
  WITH s ORDER BY s.system, s.sourceId
  RETURN collect(s {
    .*, observedAt: toString(s.observedAt), recordedAt: toString(s.recordedAt),
    retiredAt: toString(s.retiredAt), retiredObservedAt: toString(s.retiredObservedAt)
  }) AS members
}
CALL (g) {
  OPTIONAL MATCH (g)-[:HAS_OVERRIDE]->(o:StewardOverride)
  WITH o ORDER BY o.revision
  RETURN collect(o {.*, at: toString(o.at)}) AS overrides
}
RETURN g {
         .*, createdAt: toString(g.createdAt), updatedAt: toString(g.updatedAt),
         lockedAt: toString(g.lockedAt)
       } AS golden, members, overrides, g.mergedInto AS mergedInto

// The second statement of a group of upserts (after lock_group_sources.cypher): the match
// keys the group may write or drop, locked in sorted order as candidates.cypher locks one
// record's, then for each key in $keys the live source records holding it, at most $limit
// (one more than the group's largest per-key limit: a key with more than a record's limit
// is asked again with candidates.cypher, whose LIMIT picks which). One row: `keys`, per key
// with a live record, the element IDs of its records (a key no live record holds is left
// out), and `records`, each record found once however many keys hold it, with its golden
// record as candidates.cypher reads it (a hit without one counts, but is no candidate). The
// golden record's creation time is read as text (adapters/neo4j/times.py).
// Two reads every group makes ride along, saving a round trip each: `termCounts`, the stored
// count of each of $terms that has one (term_counts.cypher), and `anyPending`, whether any
// reference is parked (any_pending.cypher).
CALL () {
  UNWIND $lockKeys AS lockKey
  MERGE (locked:MatchKey {key: lockKey})
  SET locked.lockedAt = $now
}
UNWIND $keys AS key
MATCH (k:MatchKey {key: key})
CALL (k) {
  MATCH (k)<-[:HAS_KEY]-(s:SourceRecord)
  WHERE s.retiredAt IS NULL
  RETURN s
  LIMIT $limit
}
WITH key, collect(s) AS found
WITH collect({key: key, found: found}) AS perKey
CALL (perKey) {
  // A record shares several of the group's keys: its properties and membership read once.
  UNWIND perKey AS keyed
  UNWIND keyed.found AS s
  WITH DISTINCT s
  CALL (s) {
    // A source record has one membership: the first found is it.
    OPTIONAL MATCH (s)-[:MEMBER_OF]->(g:Golden)
    RETURN g
    LIMIT 1
  }
  RETURN collect({
    id: elementId(s), system: s.system, entityType: s.entityType, sourceId: s.sourceId,
    attributes: s.attributes, contentHash: s.contentHash, matchValues: s.matchValues,
    goldenId: g.id,
    goldenCreatedAt: toString(g.createdAt)
  }) AS records
}
CALL () {
  UNWIND $terms AS term
  MATCH (t:TermCount {term: term})
  RETURN collect({term: t.term, count: t.count}) AS termCounts
}
RETURN [keyed IN perKey | {key: keyed.key, ids: [s IN keyed.found | elementId(s)]}] AS keys,
       records, termCounts, EXISTS { MATCH (:Pending) } AS anyPending

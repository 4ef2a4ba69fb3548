// What a transaction held (adapters/neo4j/write_buffer.py), sent in ONE statement: each part
// below was a statement of its own, and a round trip costs more than most parts' work (a
// single-record upsert sent ten). The parts run in this order, each over one outer row, so
// each sees what the ones before it wrote; a part whose list is empty writes nothing (and
// the audit and change heads are not touched). Times arrive as ISO text
// (adapters/neo4j/times.py); datetime() keeps a temporal one as it is.
// Returns `updated`, `linked` (rows whose golden record was found) and `versioned`; fewer
// than sent and the caller rolls the whole transaction back.

// New golden records: empty (version 0) or with their first values. A null ruleSetHash sets no
// property, as for a golden record never computed; updatedAt is later than createdAt when a
// held golden record was recomputed.
CALL () {
  UNWIND $goldens AS n
  CREATE (:Golden {
    id: n.id, entityType: n.entityType, attributes: n.attributes, ruleSetHash: n.ruleSetHash,
    version: n.version, createdAt: datetime(n.at), updatedAt: datetime(n.updatedAt),
    status: 'ACTIVE'
  })
}
// Recomputed values of golden records this transaction holds the lock of (update_golden.cypher
// for each row, the version counted by the buffer: one row per record, its last values).
CALL () {
  UNWIND $updates AS u
  MATCH (g:Golden {id: u.goldenId})
  SET g.attributes = u.attributes, g.ruleSetHash = u.ruleSetHash, g.version = u.version,
      g.updatedAt = datetime(u.at)
  RETURN count(g) AS updated
}
// New source records with their memberships (put_member_source.cypher for each). CREATE, not
// MERGE: a concurrent writer that created the same record first fails this one on the key's
// uniqueness constraint, and the store runs the work again, which then updates that record
// (a MERGE would take it over: a second golden record, and its history restarted at v1).
// The record is created here, so it has no keys or membership yet: each is created, not
// merged (a key listed once per row).
CALL () {
  UNWIND $sources AS src
  CALL (src) {
    CREATE (s:SourceRecord {system: src.system, entityType: src.entityType, sourceId: src.sourceId})
    SET s.attributes = src.attributes, s.searchText = src.searchText,
        s.contentHash = src.contentHash, s.version = src.version,
        s.observedAt = datetime(src.observedAt), s.recordedAt = datetime(src.recordedAt),
        s.sent = src.sent, s.matchValues = src.matchValues
    CREATE (s)-[:HAS_VERSION]->(:SourceVersion {
      version: src.version, attributes: src.attributes, contentHash: src.contentHash,
      observedAt: s.observedAt, recordedAt: s.recordedAt, sent: src.sent
    })
    FOREACH (key IN src.keys |
      MERGE (k:MatchKey {key: key})
      CREATE (s)-[:HAS_KEY]->(k)
    )
    WITH s, src
    // A golden record a steward merged away since matching chose it (committed while this
    // group ran): its survivor, where the merge moved every other member.
    MATCH (asked:Golden {id: src.goldenId})
    OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
    WHERE survivor.mergedInto IS NULL
    WITH s, src, coalesce(survivor, asked) AS g
    CREATE (s)-[:MEMBER_OF {
      since: datetime(src.since), decidedBy: src.decidedBy, score: src.score,
      explanation: src.explanation
    }]->(g)
    RETURN count(*) AS linkedOne
  }
  RETURN sum(linkedOne) AS linked
}
// New versions of stored source records (put_source.cypher for each): the record's
// properties set, the version kept as a node, its match keys replaced (each listed once per
// row). Counted: fewer than sent and the caller rolls the whole transaction back.
CALL () {
  UNWIND $versions AS src
  MATCH (s:SourceRecord {system: src.system, entityType: src.entityType, sourceId: src.sourceId})
  SET s.attributes = src.attributes, s.searchText = src.searchText,
      s.contentHash = src.contentHash, s.version = src.version,
      s.observedAt = datetime(src.observedAt), s.recordedAt = datetime(src.recordedAt),
      s.sent = src.sent, s.matchValues = src.matchValues
  CREATE (s)-[:HAS_VERSION]->(:SourceVersion {
    version: src.version, attributes: src.attributes, contentHash: src.contentHash,
    observedAt: s.observedAt, recordedAt: s.recordedAt, sent: src.sent
  })
  WITH s, src
  CALL (s) {
    MATCH (s)-[old:HAS_KEY]->(:MatchKey)
    DELETE old
  }
  FOREACH (key IN src.keys |
    MERGE (k:MatchKey {key: key})
    CREATE (s)-[:HAS_KEY]->(k)
  )
  RETURN count(s) AS versioned
}
// Review candidates, after the source records they are for: each a MatchCandidate linked to
// its source record (none when that record is missing).
CALL () {
  UNWIND $candidates AS row
  MATCH (s:SourceRecord {system: row.system, entityType: row.entityType, sourceId: row.sourceId})
  CREATE (c:MatchCandidate {
    id: row.id, system: row.system, entityType: row.entityType, sourceId: row.sourceId,
    goldenId: row.goldenId, status: row.status, createdAt: datetime(row.createdAt),
    candidates: row.candidates
  })
  CREATE (c)-[:FOR_SOURCE]->(s)
}
// Term counts moved (+1 a value arrived, -1 one left). The terms arrive sorted, so two
// writers lock their nodes in one order.
CALL () {
  UNWIND $terms AS change
  MERGE (t:TermCount {term: change.term})
  ON CREATE SET t.count = 0
  SET t.count = t.count + change.delta
}
// The audit head moved (locked by lock_audit_head.cypher) and the sealed events appended, each
// linked to an AuditSubject per subject ID, for lineage reads. Appends are serialised on the
// head.
CALL () {
  UNWIND CASE WHEN size($events) > 0 THEN [true] ELSE [] END AS appending
  MATCH (h:AuditHead {id: 'head'})
  SET h.seq = $headSeq, h.hash = $headHash
  WITH h
  UNWIND $events AS e
  CREATE (ev:AuditEvent)
  SET ev = e
  WITH ev
  UNWIND ev.subjectIds AS subject
  MERGE (s:AuditSubject {id: subject})
  CREATE (s)<-[:ABOUT]-(ev)
}
// The transaction's change events (the outbox), last. The change head's write lock is taken
// here (SET) and held until commit, so positions are read after the lock and follow commit
// order. Entity type, and the version unless the transaction saw it written, come from the
// golden record as the transaction leaves it.
CALL () {
  UNWIND CASE WHEN size($changes) > 0 THEN [true] ELSE [] END AS appending
  MERGE (h:ChangeHead {id: 'head'})
  ON CREATE SET h.position = 0
  SET h.lockedAt = $now
  WITH h
  WITH h, h.position AS base
  SET h.position = base + size($changes)
  WITH base
  UNWIND range(0, size($changes) - 1) AS i
  WITH base + i + 1 AS position, $changes[i] AS e
  MATCH (g:Golden {id: e.goldenId})
  CREATE (c:ChangeEvent)
  SET c = e, c.at = datetime(e.at), c.position = position, c.entityType = g.entityType,
      c.goldenVersion = coalesce(e.goldenVersion, g.version)
}
RETURN updated, linked, versioned

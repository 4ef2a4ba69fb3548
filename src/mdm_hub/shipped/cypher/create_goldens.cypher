// New golden records of one group, in one statement (create_golden.cypher for each row).
// A null ruleSetHash sets no property, as for a golden record never computed. updatedAt
// is later than createdAt when a held golden record was recomputed (write_buffer.py). Times
// arrive as ISO text (adapters/neo4j/times.py); datetime() keeps a temporal one as it is.
UNWIND $goldens AS n
CREATE (:Golden {
  id: n.id, entityType: n.entityType, attributes: n.attributes, ruleSetHash: n.ruleSetHash,
  version: n.version, createdAt: datetime(n.at), updatedAt: datetime(n.updatedAt),
  status: 'ACTIVE'
})

// Re-derive the outgoing edges of these golden records from what their members assert: one
// edge per (from, type, to), none from a golden record to itself. Writing relationshipsAt
// first takes each golden's write lock, so two syncs of one golden never interleave.
UNWIND $goldenIds AS goldenId
MATCH (g:Golden {id: goldenId})
SET g.relationshipsAt = datetime()
WITH g
OPTIONAL MATCH (g)-[old]->(:Golden)
WHERE type(old) IN $types
DELETE old
WITH DISTINCT g
MATCH (g)<-[:MEMBER_OF]-(:SourceRecord)-[:ASSERTS]->(r:Reference)-[:TARGETS]->(:SourceRecord)
      -[:MEMBER_OF]->(to:Golden)
WHERE to <> g
WITH DISTINCT g, r.type AS type, to
CREATE (g)-[:$(type)]->(to)

// A whole batch in one statement, answered as ONE record holding a list of rows: a record per
// ref cost the driver a message (and its socket reads) each, several times the query's own
// time for 1,000 refs. A row per ref found: [index in $refs, golden id, entity type, status,
// members], each member [system, entityType, sourceId, retiredAt] ordered by system and
// source ID (retired members come with their retiredAt: the caller tells them from live
// ones). A ref with no golden record has no row. A golden record written before statuses
// existed is ACTIVE.
UNWIND range(0, size($refs) - 1) AS i
WITH i, $refs[i] AS ref
MATCH (s:SourceRecord {system: ref.system, entityType: ref.entityType, sourceId: ref.sourceId})
      -[:MEMBER_OF]->(g:Golden)
MATCH (g)<-[:MEMBER_OF]-(m:SourceRecord)
WITH i, g, m ORDER BY m.system, m.sourceId
WITH i, g, collect([m.system, m.entityType, m.sourceId, m.retiredAt]) AS members
RETURN collect([i, g.id, g.entityType, coalesce(g.status, 'ACTIVE'), members]) AS rows

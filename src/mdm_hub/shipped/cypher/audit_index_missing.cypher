// Lineage index entries an event names (subjectIds) without its ABOUT link to that subject.
MATCH (e:AuditEvent)
UNWIND e.subjectIds AS subject
WITH e, subject
WHERE NOT EXISTS { MATCH (e)-[:ABOUT]->(:AuditSubject {id: subject}) }
RETURN e.seq AS seq, subject
ORDER BY seq, subject
LIMIT $limit

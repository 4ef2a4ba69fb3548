// ABOUT links from an event to a subject its subjectIds do not name.
MATCH (e:AuditEvent)-[:ABOUT]->(s:AuditSubject)
WHERE NOT s.id IN e.subjectIds
RETURN e.seq AS seq, s.id AS subject
ORDER BY seq, subject
LIMIT $limit

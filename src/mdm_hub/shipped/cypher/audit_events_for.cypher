MATCH (s:AuditSubject)<-[:ABOUT]-(e:AuditEvent)
WHERE s.id IN $subjectIds
WITH DISTINCT e
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit

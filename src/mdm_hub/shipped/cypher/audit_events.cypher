MATCH (e:AuditEvent)
WHERE e.seq > $afterSeq
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit

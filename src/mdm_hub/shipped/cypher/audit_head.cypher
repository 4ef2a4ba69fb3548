MATCH (h:AuditHead {id: 'head'})
RETURN h.seq AS seq, h.hash AS hash

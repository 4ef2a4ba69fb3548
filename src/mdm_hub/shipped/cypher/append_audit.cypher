// Move the head (locked by lock_audit_head), then append the sealed events; each is linked
// to an AuditSubject per subject ID, for lineage reads. Appends are serialised on the head.
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

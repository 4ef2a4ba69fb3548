// The one chain head, created once under its uniqueness constraint (a concurrent creator
// fails with a constraint error and is retried). Writing a property takes its write lock
// until commit, and the seq and hash are read after the lock: appends are serialised, so
// seqs have no gaps and each prevHash is the last committed hash. `lastSeq` is the last
// event's seq when one is stored past the head (the head node was deleted, so this MERGE
// made a new one at seq 0, or it was set back): the caller refuses to append over them.
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h.lockedAt = $now
WITH h
OPTIONAL MATCH (e:AuditEvent)
WHERE e.seq > h.seq
WITH h, max(e.seq) AS lastSeq
RETURN h.seq AS seq, h.hash AS hash, lastSeq

// The one chain head, created once under its uniqueness constraint (a concurrent creator
// fails with a constraint error and is retried). Writing a property takes its write lock
// until commit, and the seq and hash are read after the lock: appends are serialised, so
// seqs have no gaps and each prevHash is the last committed hash.
MERGE (h:AuditHead {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = $genesis
SET h.lockedAt = $now
WITH h
RETURN h.seq AS seq, h.hash AS hash

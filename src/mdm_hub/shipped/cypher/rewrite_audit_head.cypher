// Rebuild the chain head from a verified chain (mdm-hub verify-audit --repair-head).
MERGE (h:AuditHead {id: 'head'})
SET h.seq = $seq, h.hash = $hash

// Readiness: one small write, so /readyz reports a Neo4j that answers but cannot write (no
// leader, a read-only database, a full disk), not only one that is gone.
MERGE (h:Heartbeat {id: 'hub'})
SET h.at = $now

// Pending references are listed oldest first.
CREATE INDEX pending_recorded IF NOT EXISTS
FOR (r:Pending) ON (r.recordedAt, r.key)

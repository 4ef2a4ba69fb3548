// The reject queue filtered by the system a payload names, newest first.
CREATE INDEX rejected_record_system IF NOT EXISTS
FOR (r:RejectedRecord) ON (r.system, r.receivedAt)

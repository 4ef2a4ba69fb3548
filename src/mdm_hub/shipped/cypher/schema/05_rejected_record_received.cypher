CREATE INDEX rejected_record_received IF NOT EXISTS
FOR (r:RejectedRecord) ON (r.receivedAt)

// When a record arrives, the references parked for it are found by its key.
CREATE INDEX pending_target IF NOT EXISTS
FOR (r:Pending) ON (r.targetSystem, r.targetEntityType, r.targetSourceId)

CREATE INDEX change_event_at IF NOT EXISTS
FOR (c:ChangeEvent) ON (c.at)

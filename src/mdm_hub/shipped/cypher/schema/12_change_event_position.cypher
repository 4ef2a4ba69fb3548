CREATE CONSTRAINT change_event_position IF NOT EXISTS
FOR (c:ChangeEvent) REQUIRE c.position IS UNIQUE

// Golden IDs are handed to every integration: they must never be duplicated.
CREATE CONSTRAINT golden_id IF NOT EXISTS
FOR (g:Golden) REQUIRE g.id IS UNIQUE

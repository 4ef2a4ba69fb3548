// One steward action per revision of a golden record, even if two stewards act at once.
CREATE CONSTRAINT steward_override_revision IF NOT EXISTS
FOR (o:StewardOverride) REQUIRE (o.goldenId, o.revision) IS UNIQUE

// One node per strong-identifier value: found by index, and locked to serialise linkers.
CREATE CONSTRAINT match_key IF NOT EXISTS
FOR (k:MatchKey) REQUIRE k.key IS UNIQUE

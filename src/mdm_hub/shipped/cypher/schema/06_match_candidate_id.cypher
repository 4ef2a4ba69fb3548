CREATE CONSTRAINT match_candidate_id IF NOT EXISTS
FOR (c:MatchCandidate) REQUIRE c.id IS UNIQUE

CREATE INDEX match_candidate_order IF NOT EXISTS
FOR (c:MatchCandidate) ON (c.createdAt, c.id)

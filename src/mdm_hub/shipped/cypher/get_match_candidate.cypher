MATCH (c:MatchCandidate {id: $id})
RETURN c {.*} AS candidate

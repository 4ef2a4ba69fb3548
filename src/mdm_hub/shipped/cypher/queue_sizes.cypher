// The sizes an operator watches, in one round trip: counts only, nothing is read out.
CALL () { MATCH (c:MatchCandidate) WHERE c.status = $open RETURN count(c) AS review }
CALL () { MATCH (r:Pending) RETURN count(r) AS pendingReferences }
CALL () { MATCH (r:RejectedRecord) RETURN count(r) AS rejects }
CALL () { MATCH (u:UnmappedCode) RETURN count(u) AS unmappedCodes }
RETURN review, pendingReferences, rejects, unmappedCodes

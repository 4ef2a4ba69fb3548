// Close an OPEN candidate with a steward's decision; an already decided one is left as it is
// (decided: false). Writing the status takes the node's lock: two stewards cannot both win.
MATCH (c:MatchCandidate {id: $id})
SET c.lockedAt = $decidedAt
WITH c, c.status = $open AS decided
FOREACH (_ IN CASE WHEN decided THEN [1] ELSE [] END |
  SET c.status = $status, c.decidedBy = $decidedBy, c.decisionReason = $decisionReason,
      c.decidedAt = $decidedAt
)
RETURN decided

// Writing a property takes the golden record's write lock until commit: whoever recomputes
// it next waits, then reads members and overrides as this transaction left them.
MATCH (g:Golden {id: $goldenId})
SET g.lockedAt = $now
RETURN g.id AS id

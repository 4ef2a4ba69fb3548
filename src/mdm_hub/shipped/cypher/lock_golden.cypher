// Writing a property takes the golden record's write lock until commit: whoever recomputes
// it next waits, then reads members and overrides as this transaction left them. A merged-away
// ID locks (and answers with) the survivor at the end of its MERGED_INTO chain.
MATCH (asked:Golden {id: $goldenId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH coalesce(survivor, asked) AS g
SET g.lockedAt = $now
RETURN g.id AS id

// The loser keeps its node and ID and points at the survivor; its members move, each keeping
// its original match score and explanation.
MATCH (loser:Golden {id: $loserId}) WHERE loser.mergedInto IS NULL
MATCH (survivor:Golden {id: $survivorId})
CREATE (loser)-[:MERGED_INTO {at: $at}]->(survivor)
SET loser.mergedInto = $survivorId, loser.updatedAt = $at
WITH loser, survivor
OPTIONAL MATCH (s:SourceRecord)-[old:MEMBER_OF]->(loser)
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
  CREATE (s)-[moved:MEMBER_OF]->(survivor)
  SET moved = properties(old), moved.since = $at, moved.decidedBy = $decidedBy
  DELETE old
)
WITH DISTINCT loser
RETURN loser.id AS merged

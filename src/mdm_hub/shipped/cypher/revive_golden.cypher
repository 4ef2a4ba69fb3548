// Undo the merge of one golden record: it answers as itself again. Its members are moved
// back by the caller, one membership at a time.
MATCH (g:Golden {id: $goldenId})-[merged:MERGED_INTO]->(:Golden)
WHERE g.mergedInto IS NOT NULL
DELETE merged
REMOVE g.mergedInto
SET g.updatedAt = $at
RETURN g.id AS revived

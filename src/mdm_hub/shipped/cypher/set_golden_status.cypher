// ACTIVE while a golden record has a live member, RETIRED once none is left.
MATCH (g:Golden {id: $goldenId})
SET g.status = $status
RETURN g.id AS id

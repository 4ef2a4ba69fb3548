// Golden records with any steward override event, in ID order from $after: a page of them.
MATCH (o:StewardOverride)
WHERE o.goldenId > $after
WITH DISTINCT o.goldenId AS id
RETURN id
ORDER BY id
LIMIT $batch

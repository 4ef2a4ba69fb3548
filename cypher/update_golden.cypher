MATCH (g:Golden {id: $goldenId})
SET g.attributes = $attributes, g.version = g.version + 1, g.updatedAt = $at
RETURN g.version AS version

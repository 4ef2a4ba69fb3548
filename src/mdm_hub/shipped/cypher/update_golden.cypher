MATCH (g:Golden {id: $goldenId})
SET g.attributes = $attributes, g.ruleSetHash = $ruleSetHash, g.version = g.version + 1,
    g.updatedAt = $at
RETURN g.version AS version

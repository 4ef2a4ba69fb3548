CREATE INDEX golden_entity_type IF NOT EXISTS
FOR (g:Golden) ON (g.entityType, g.createdAt)

// Keyset paging of one entity type's golden records in ID order (mdm-hub recompute).
CREATE INDEX golden_entity_type_id IF NOT EXISTS
FOR (g:Golden) ON (g.entityType, g.id)

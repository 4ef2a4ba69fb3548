MATCH (a:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
MATCH (b:SourceRecord {system: $otherSystem, entityType: $otherEntityType, sourceId: $otherSourceId})
MERGE (a)-[n:NOT_A_MATCH]-(b)
ON CREATE SET n.decidedAt = $at
RETURN count(n) AS recorded

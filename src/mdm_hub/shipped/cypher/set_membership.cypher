// Exactly one active membership: drop the old one in the same statement as the new.
MATCH (s:SourceRecord {system: $system, entityType: $entityType, sourceId: $sourceId})
MATCH (g:Golden {id: $goldenId})
OPTIONAL MATCH (s)-[old:MEMBER_OF]->()
DELETE old
WITH DISTINCT s, g
CREATE (s)-[:MEMBER_OF {
  since: $since, decidedBy: $decidedBy, score: $score, explanation: $explanation
}]->(g)
RETURN count(*) AS linked

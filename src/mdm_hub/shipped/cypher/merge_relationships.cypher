// A merge: every edge of the loser, both directions, moves to the survivor. MERGE keeps one
// edge per (from, type, to); an edge between the two would become a self-loop and is dropped
// (its reference stays on its source record, so an unmerge brings it back).
MATCH (loser:Golden {id: $loserId})
MATCH (survivor:Golden {id: $survivorId})
SET survivor.relationshipsAt = datetime()
WITH loser, survivor
OPTIONAL MATCH (loser)-[e]-(other:Golden)
WHERE type(e) IN $types
WITH survivor, e, other, type(e) AS type, startNode(e) = other AS incoming
CALL (survivor, other, type, incoming) {
  WITH * WHERE other <> survivor AND NOT incoming
  MERGE (survivor)-[:$(type)]->(other)
}
CALL (survivor, other, type, incoming) {
  WITH * WHERE other <> survivor AND incoming
  MERGE (other)-[:$(type)]->(survivor)
}
DELETE e
RETURN count(DISTINCT survivor) AS found

// A subscriber and its dead letters; returns how many subscribers went (0 or 1).
OPTIONAL MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (w)-[:DEAD_LETTER]->(d:WebhookDeadLetter)
WITH w, collect(d) AS letters
FOREACH (d IN letters | DETACH DELETE d)
WITH w, CASE WHEN w IS NULL THEN 0 ELSE 1 END AS deleted
DETACH DELETE w
RETURN deleted

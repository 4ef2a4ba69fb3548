MATCH (:Webhook {id: $id})-[:DEAD_LETTER]->(d:WebhookDeadLetter)
RETURN d {.*} AS letter
ORDER BY d.position

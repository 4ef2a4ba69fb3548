// Queue every dead letter of a subscriber for delivery again; returns how many.
OPTIONAL MATCH (:Webhook {id: $id})-[:DEAD_LETTER]->(d:WebhookDeadLetter)
WHERE d.replay = false
SET d.replay = true
RETURN count(d) AS replayed

MATCH (:Webhook {id: $id})-[:DEAD_LETTER]->(d:WebhookDeadLetter {position: $position})
DETACH DELETE d

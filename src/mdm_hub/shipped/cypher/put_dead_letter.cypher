MATCH (w:Webhook {id: $letter.webhookId})
MERGE (w)-[:DEAD_LETTER]->(d:WebhookDeadLetter {webhookId: $letter.webhookId, position: $letter.position})
SET d = $letter

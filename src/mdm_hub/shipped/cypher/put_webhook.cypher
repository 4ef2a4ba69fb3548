// A new webhook subscriber (its ID is unique: a second one fails with a constraint error).
CREATE (w:Webhook)
SET w = $webhook

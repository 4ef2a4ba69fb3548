MATCH (w:Webhook {id: $id})
WHERE w.leaseOwner = $owner
SET w.cursor = $cursor, w.attempts = $attempts
RETURN w.id AS id

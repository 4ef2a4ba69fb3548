// Rejected records kept before their system was (a store made by an earlier release), a batch.
MATCH (r:RejectedRecord)
WHERE r.system IS NULL
RETURN elementId(r) AS id, r.payload AS payload
LIMIT $batch

// The newest rejected records; with $system, only those whose payload names it.
MATCH (r:RejectedRecord)
WHERE $system IS NULL OR r.system = $system
RETURN r {.*} AS reject
ORDER BY r.receivedAt DESC
LIMIT $limit

MATCH (r:RejectedRecord)
RETURN r {.*} AS reject
ORDER BY r.receivedAt DESC
LIMIT $limit

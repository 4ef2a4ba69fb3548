MATCH (k:ApiKey)
RETURN k {.*} AS key
ORDER BY k.createdAt, k.prefix

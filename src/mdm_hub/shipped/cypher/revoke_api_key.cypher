MATCH (k:ApiKey {prefix: $prefix})
SET k.revokedAt = coalesce(k.revokedAt, $at)
RETURN k {.*} AS key

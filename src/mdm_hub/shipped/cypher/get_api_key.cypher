MATCH (k:ApiKey {prefix: $prefix})
RETURN k {.*} AS key

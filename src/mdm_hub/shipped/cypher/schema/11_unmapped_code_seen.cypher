// The unmapped-codes queue is listed first seen first.
CREATE INDEX unmapped_code_seen IF NOT EXISTS
FOR (u:UnmappedCode) ON (u.firstSeen, u.key)

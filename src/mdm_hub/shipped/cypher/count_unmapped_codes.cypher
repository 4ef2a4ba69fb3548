// Count codes no mapping turned into a canonical code; rows come one per code, in key order.
UNWIND $codes AS c
MERGE (u:UnmappedCode {key: c.key})
  ON CREATE SET u.system = c.system, u.entityType = c.entityType, u.attribute = c.attribute,
    u.codeSet = c.codeSet, u.value = c.value, u.count = c.count, u.firstSeen = $at,
    u.lastSeen = $at
  ON MATCH SET u.count = u.count + c.count,
    u.lastSeen = CASE WHEN $at > u.lastSeen THEN $at ELSE u.lastSeen END

// Append one transaction's change events (the outbox), at the end of the transaction. The
// head's write lock is taken first (SET) and held until commit, so positions are read after
// the lock and follow commit order. Entity type, and the version unless the transaction saw
// it written, come from the golden record as the transaction leaves it. `at` arrives as ISO
// text (adapters/neo4j/times.py).
MERGE (h:ChangeHead {id: 'head'})
ON CREATE SET h.position = 0
SET h.lockedAt = $now
WITH h
WITH h, h.position AS base
SET h.position = base + size($events)
WITH base
UNWIND range(0, size($events) - 1) AS i
WITH base + i + 1 AS position, $events[i] AS e
MATCH (g:Golden {id: e.goldenId})
CREATE (c:ChangeEvent)
SET c = e, c.at = datetime(e.at), c.position = position, c.entityType = g.entityType,
    c.goldenVersion = coalesce(e.goldenVersion, g.version)

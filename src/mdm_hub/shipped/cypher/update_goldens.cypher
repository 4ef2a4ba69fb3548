// Recomputed values of golden records this transaction holds the lock of, in one statement
// (update_golden.cypher for each row, its version counted where the record is held in
// write_buffer.py: one row per record, with the last values and version). The time arrives
// as ISO text (adapters/neo4j/times.py).
UNWIND $updates AS u
MATCH (g:Golden {id: u.goldenId})
SET g.attributes = u.attributes, g.ruleSetHash = u.ruleSetHash, g.version = u.version,
    g.updatedAt = datetime(u.at)
RETURN count(g) AS updated

// Take codes off the queue once a mapping covers them.
UNWIND $keys AS k
MATCH (u:UnmappedCode {key: k})
DELETE u
RETURN count(*) AS dropped

// system of rejected records found by unsystemed_rejects.cypher.
UNWIND $rows AS row
MATCH (r:RejectedRecord)
WHERE elementId(r) = row.id
SET r.system = row.system
RETURN count(r) AS updated

// All golden records of a type, or (with $staleFor) those not computed by that rule set.
MATCH (g:Golden)
WHERE g.entityType = $entityType
  AND ($staleFor IS NULL OR g.ruleSetHash IS NULL OR g.ruleSetHash <> $staleFor)
RETURN count(g) AS count

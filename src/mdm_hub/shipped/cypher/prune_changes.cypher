// Delete change events recorded before a moment (retention); returns how many.
MATCH (c:ChangeEvent)
WHERE c.at < $before
DELETE c
RETURN count(*) AS pruned

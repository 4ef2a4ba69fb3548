// The shortest chain of one relationship type from one golden record to another, if any.
// Unbounded on purpose: a cycle check must see a loop of any length.
MATCH p = SHORTEST 1 (:Golden {id: $fromId})-[:$($type)]->+(:Golden {id: $toId})
RETURN [n IN nodes(p) | n.id] AS path

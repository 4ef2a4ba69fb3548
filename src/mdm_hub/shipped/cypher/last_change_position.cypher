// The position of the latest change event ever appended: the head's counter, which pruning
// leaves alone (no head: no event yet).
MATCH (h:ChangeHead {id: 'head'})
RETURN h.position AS position

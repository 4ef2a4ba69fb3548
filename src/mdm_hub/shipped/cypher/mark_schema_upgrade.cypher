// An upgrade of the data done: later starts skip it.
MERGE (u:SchemaUpgrade {name: $name})
ON CREATE SET u.at = $at
RETURN u.name AS name

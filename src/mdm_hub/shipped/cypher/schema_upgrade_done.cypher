// Whether an upgrade of the data (not only of schema rules) was done on this database.
OPTIONAL MATCH (u:SchemaUpgrade {name: $name})
RETURN u IS NOT NULL AS done

// Whether an upgrade of the data (not only of schema rules) was done on this database. One row
// however many markers: processes starting at the same moment (`serve --workers`) may each
// have merged one (no constraint keeps them unique; each upgrade is safe to run twice).
OPTIONAL MATCH (u:SchemaUpgrade {name: $name})
RETURN count(u) > 0 AS done

// A Neo4j store as a release before reject systems left it, its upgrades not yet run.
MATCH (r:RejectedRecord) REMOVE r.system
WITH count(*) AS _
OPTIONAL MATCH (u:SchemaUpgrade) DETACH DELETE u

// The stored attribute values of the golden records asked for (matching reads the names of
// related golden records). Unknown IDs give no row.
UNWIND $ids AS id
MATCH (g:Golden {id: id})
RETURN g.id AS id, g.entityType AS entityType, g.attributes AS attributes

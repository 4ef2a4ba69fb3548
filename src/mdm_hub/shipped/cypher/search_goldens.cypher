// Golden records of one entity type whose members match a Lucene query on the full-text
// index of source records, best first, each once (by its best member), at most $limit. The
// index is asked for $pool hits at most, so a query's cost is bounded whatever it matches.
CALL db.index.fulltext.queryNodes('source_record_search', $lucene, {limit: $pool})
YIELD node, score
WHERE node.entityType = $entityType
MATCH (node)-[:MEMBER_OF]->(g:Golden)
WITH g.id AS id, max(score) AS best
RETURN id
ORDER BY best DESC, id
LIMIT $limit

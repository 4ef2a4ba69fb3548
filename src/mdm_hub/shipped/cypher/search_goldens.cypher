// Golden records of one entity type that match a Lucene query on the full-text index: by a
// member (a source record) or by a pin of their own (unless merged away), best first, each
// once, at most $limit. The index is asked for $pool hits at most, so a query's cost is
// bounded whatever it matches.
CALL db.index.fulltext.queryNodes('golden_search', $lucene, {limit: $pool})
YIELD node, score
WHERE node.entityType = $entityType
OPTIONAL MATCH (node:SourceRecord)-[:MEMBER_OF]->(member:Golden)
WITH coalesce(member, CASE WHEN node:Pinned AND node.mergedInto IS NULL THEN node END) AS g,
     score
WHERE g IS NOT NULL
WITH g.id AS id, max(score) AS best
RETURN id
ORDER BY best DESC, id
LIMIT $limit

// A merged-away ID answers with the end of its MERGED_INTO chain, however long.
MATCH (asked:Golden {id: $goldenId})
OPTIONAL MATCH (asked)-[:MERGED_INTO*1..]->(survivor:Golden)
WHERE survivor.mergedInto IS NULL
WITH asked, coalesce(survivor, asked) AS g
OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
WITH asked, g, s ORDER BY s.system, s.sourceId
RETURN g {.*} AS golden, collect(s {.*}) AS members,
       CASE WHEN g = asked THEN null ELSE asked.id END AS mergedFrom

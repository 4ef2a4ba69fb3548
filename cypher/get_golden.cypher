MATCH (g:Golden {id: $goldenId})
OPTIONAL MATCH (g)<-[:MEMBER_OF]-(s:SourceRecord)
WITH g, s ORDER BY s.system, s.sourceId
RETURN g {.*} AS golden, collect(s {.*}) AS members

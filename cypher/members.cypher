MATCH (:Golden {id: $goldenId})<-[:MEMBER_OF]-(s:SourceRecord)
RETURN s {.*} AS source
ORDER BY s.system, s.sourceId

// The live members (retired ones keep their membership, for lineage, but are not live).
MATCH (:Golden {id: $goldenId})<-[:MEMBER_OF]-(s:SourceRecord)
WHERE s.retiredAt IS NULL
RETURN s {.*} AS source
ORDER BY s.system, s.sourceId

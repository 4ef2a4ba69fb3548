// searchText of source records found by unsearched_sources.cypher.
UNWIND $rows AS row
MATCH (s:SourceRecord)
WHERE elementId(s) = row.id
SET s.searchText = row.searchText
RETURN count(s) AS updated

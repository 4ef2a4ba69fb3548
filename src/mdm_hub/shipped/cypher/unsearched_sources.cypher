// Source records written before searchText (a store made by an earlier release), a batch.
MATCH (s:SourceRecord)
WHERE s.searchText IS NULL
RETURN elementId(s) AS id, s.attributes AS attributes
LIMIT $batch

// Golden record search (searchGoldenRecords): source records by entity type, source ID and
// searched values (searchText: domain/search.py's attributes), and golden records by what
// stewards pinned of those (label Pinned while a pin is in force).
CREATE FULLTEXT INDEX golden_search IF NOT EXISTS
FOR (n:SourceRecord|Pinned) ON EACH [n.entityType, n.sourceId, n.searchText]

// Wait for golden_search to be online (populated): a store upgraded with many records
// fills it in the background, and a search before then would fail.
CALL db.awaitIndex('golden_search', $seconds)

// The index before golden_search (every value of a source record, as JSON): nothing reads it,
// and every write kept it.
DROP INDEX source_record_search IF EXISTS

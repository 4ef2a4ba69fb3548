// One count node per term (entity type, comparison, value): found by index, merged safely.
CREATE CONSTRAINT term_count IF NOT EXISTS
FOR (t:TermCount) REQUIRE t.term IS UNIQUE

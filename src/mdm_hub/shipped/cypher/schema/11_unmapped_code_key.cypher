// One queue entry per unmapped code: its five identifying fields as one key.
CREATE CONSTRAINT unmapped_code_key IF NOT EXISTS
FOR (u:UnmappedCode) REQUIRE u.key IS UNIQUE

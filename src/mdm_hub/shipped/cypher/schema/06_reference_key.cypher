// One reference per (source record, attribute): its key says which, as one sortable text.
CREATE CONSTRAINT reference_key IF NOT EXISTS
FOR (r:Reference) REQUIRE r.key IS UNIQUE

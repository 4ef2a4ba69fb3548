// Test isolation on a dedicated test server: every test starts from an empty graph.
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS

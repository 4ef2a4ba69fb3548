// Writing to each key node takes its write lock until commit, so two records that share a
// strong identifier cannot both start a golden record. Keys arrive sorted: no deadlock cycles.
UNWIND $keys AS key
MERGE (k:MatchKey {key: key})
SET k.lockedAt = $now

// Crosswalk invariants after concurrent steward actions: source records without exactly one
// membership, MERGED_INTO cycles, goldens with more than one MERGED_INTO, live goldens that
// still carry mergedInto, and merged-away goldens that still have members.
CALL () {
  MATCH (s:SourceRecord)
  OPTIONAL MATCH (s)-[m:MEMBER_OF]->()
  WITH s, count(m) AS memberships WHERE memberships <> 1
  RETURN count(s) AS badMemberships
}
CALL () {
  MATCH (g:Golden) WHERE EXISTS { (g)-[:MERGED_INTO*1..]->(g) }
  RETURN count(g) AS cycles
}
CALL () {
  MATCH (g:Golden)
  WITH g, COUNT { (g)-[:MERGED_INTO]->() } AS out
  WHERE out > 1 OR (out = 1) <> (g.mergedInto IS NOT NULL)
  RETURN count(g) AS badRedirects
}
CALL () {
  MATCH (g:Golden) WHERE g.mergedInto IS NOT NULL AND EXISTS { (g)<-[:MEMBER_OF]-() }
  RETURN count(g) AS mergedWithMembers
}
RETURN badMemberships, cycles, badRedirects, mergedWithMembers

// The unmapped-codes queue, first seen first, one page after a cursor position; optionally one
// code set's or one system's codes only.
MATCH (u:UnmappedCode)
WHERE ($codeSet IS NULL OR u.codeSet = $codeSet) AND ($system IS NULL OR u.system = $system)
  AND ($afterAt IS NULL OR u.firstSeen > $afterAt
       OR (u.firstSeen = $afterAt AND u.key > $afterKey))
RETURN u {.*} AS code
ORDER BY u.firstSeen, u.key
LIMIT $limit

// Golden records reachable from each of these along one relationship type, each once at its
// nearest depth. $outgoing walks along the edges (ancestors), otherwise against them
// (descendants). Cypher takes no parameter as a path bound: 20 is MAX_HIERARCHY_DEPTH, and
// $maxDepth cuts the walk shorter.
UNWIND $goldenIds AS anchorId
MATCH p = (g:Golden {id: anchorId})
          ((a)-[e:$($type)]-(b) WHERE (startNode(e) = a) = $outgoing){1,20}
          (other:Golden)
WHERE length(p) <= $maxDepth AND other <> g
RETURN anchorId, other.id AS goldenId, min(length(p)) AS depth
ORDER BY anchorId, depth, goldenId

// What golden record search finds of steward pins: per golden record, the values pinned in
// force (each attribute's latest event, if a pin) of the $searched attributes, as JSON text in
// searchText, and the label Pinned while there is any (golden_search indexes those).
UNWIND $goldenIds AS goldenId
MATCH (g:Golden {id: goldenId})
CALL (g) {
  OPTIONAL MATCH (g)-[:HAS_OVERRIDE]->(o:StewardOverride)
  WITH o ORDER BY o.revision DESC
  WITH o.attribute AS attribute, collect(o)[0] AS latest
  WHERE latest.action = 'PIN' AND attribute IN $searched
  RETURN collect(latest.value) AS pinned
}
SET g.searchText = CASE WHEN pinned = [] THEN null ELSE reduce(t = '', v IN pinned | t + ' ' + v) END
FOREACH (_ IN CASE WHEN pinned = [] THEN [] ELSE [1] END | SET g:Pinned)
FOREACH (_ IN CASE WHEN pinned = [] THEN [1] ELSE [] END | REMOVE g:Pinned)
RETURN count(g) AS refreshed

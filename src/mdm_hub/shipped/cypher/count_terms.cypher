// Move term counts (+1 a value arrived, -1 one left). The terms arrive sorted, so two writers
// lock their nodes in one order.
UNWIND $changes AS change
MERGE (t:TermCount {term: change.term})
ON CREATE SET t.count = 0
SET t.count = t.count + change.delta

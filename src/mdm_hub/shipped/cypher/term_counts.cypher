// The hub's count of each term (term-frequency adjustment); a term never counted has no node.
UNWIND $terms AS term
MATCH (t:TermCount {term: term})
RETURN t.term AS term, t.count AS count

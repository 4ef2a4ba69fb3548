// Whether any reference is parked awaiting its target: when none is, a new record cannot
// resolve one, and link_pending need not be asked for each record of a group.
RETURN EXISTS { MATCH (:Pending) } AS any

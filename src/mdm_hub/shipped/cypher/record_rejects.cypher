// system: what the payload names ("" when nothing), for the queue's filter.
UNWIND $rejects AS r
CREATE (:RejectedRecord {
  receivedAt: r.receivedAt, payload: r.payload, problems: r.problems,
  correlationId: r.correlationId, system: r.system
})

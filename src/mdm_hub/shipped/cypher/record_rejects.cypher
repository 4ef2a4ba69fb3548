UNWIND $rejects AS r
CREATE (:RejectedRecord {
  receivedAt: r.receivedAt, payload: r.payload, problems: r.problems,
  correlationId: r.correlationId
})

// A new golden record: empty (version 0), or with its first computed values (version 1).
// A null ruleSetHash sets no property, as for a golden record never computed.
CREATE (:Golden {
  id: $id, entityType: $entityType, attributes: $attributes, ruleSetHash: $ruleSetHash,
  version: $version, createdAt: $at, updatedAt: $at, status: 'ACTIVE'
})

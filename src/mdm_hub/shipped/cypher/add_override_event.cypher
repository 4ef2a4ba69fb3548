// Steward overrides are append-only: one node per pin or clear, never updated or deleted.
MATCH (g:Golden {id: $goldenId})
CREATE (g)-[:HAS_OVERRIDE]->(:StewardOverride {
  goldenId: $goldenId, revision: $revision, attribute: $attribute, action: $action,
  value: $value, actor: $actor, reason: $reason, at: $at
})
RETURN count(*) AS added

"""THE authorisation table: every root GraphQL field and the roles that may use it.

A field missing here is denied to everyone (and fails the authorisation matrix test), so a
new Query or Mutation field must be given its roles here. Keys are the GraphQL names,
"Query.<field>", "Mutation.<field>" or "Subscription.<field>".
"""

from __future__ import annotations

from collections.abc import Mapping

from mdm_hub.domain.access import Role

INTEGRATION, STEWARD, AUDITOR, ADMIN = Role.INTEGRATION, Role.STEWARD, Role.AUDITOR, Role.ADMIN

# Integrations resolve; so do stewards, and auditors walking back from a journal line.
RESOLVERS = frozenset({INTEGRATION, STEWARD, AUDITOR})
# Golden records, candidates, rejects and the rest of the hub's state.
READERS = frozenset({STEWARD, AUDITOR})
# The audit log and lineage: auditors, stewards, and admins (who anchor the chain head).
AUDIT_READERS = frozenset({STEWARD, AUDITOR, ADMIN})
WRITERS = frozenset({INTEGRATION, STEWARD})
STEWARDS = frozenset({STEWARD})
ADMINS = frozenset({ADMIN})

RULES: Mapping[str, frozenset[Role]] = {
    "Query.resolve": RESOLVERS,
    "Query.resolveMany": RESOLVERS,
    "Query.goldenRecord": READERS,
    # Paging through golden records (updatedSince: what changed) is for API consumers too;
    # a key limited to some systems lists only golden records holding a member of them.
    "Query.goldenRecords": RESOLVERS,
    "Query.searchGoldenRecords": READERS,
    "Query.matchCandidates": READERS,
    "Query.matchCandidate": READERS,
    "Query.explainMatch": READERS,
    "Query.pendingReferences": READERS,
    "Query.rejectedRecords": READERS,
    "Query.unmappedCodes": READERS,
    "Query.apiKeys": ADMINS,
    # What may send: integrations check their codes, admins and stewards set systems up.
    "Query.systems": frozenset({INTEGRATION, STEWARD, AUDITOR, ADMIN}),
    "Query.auditChainStatus": AUDIT_READERS,
    "Query.lineage": AUDIT_READERS,
    "Query.sourceLineage": AUDIT_READERS,
    "Query.sourceEvents": AUDIT_READERS,
    # The change feed: integrations (scoped to their systems) and auditors.
    "Query.changes": frozenset({INTEGRATION, AUDITOR}),
    "Subscription.changes": frozenset({INTEGRATION, AUDITOR}),
    # A golden record's changes as they happen: whoever may read it.
    "Subscription.goldenRecordChanged": READERS,
    "Mutation.upsertSourceRecord": WRITERS,
    "Mutation.upsertSourceRecords": WRITERS,
    "Mutation.retireSourceRecord": WRITERS,
    # Steward actions.
    "Mutation.overrideAttribute": STEWARDS,
    "Mutation.clearOverride": STEWARDS,
    "Mutation.merge": STEWARDS,
    "Query.mergePreview": STEWARDS,
    "Mutation.unmerge": STEWARDS,
    "Mutation.decideMatchCandidate": STEWARDS,
    "Query.webhooks": ADMINS,
    "Mutation.createWebhook": ADMINS,
    "Mutation.deleteWebhook": ADMINS,
    "Mutation.replayWebhookDeliveries": ADMINS,
    "Mutation.createApiKey": ADMINS,
    "Mutation.revokeApiKey": ADMINS,
}


def allowed_roles(type_name: str, field_name: str) -> frozenset[Role]:
    return RULES.get(f"{type_name}.{field_name}", frozenset())

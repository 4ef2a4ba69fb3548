"""Every Prometheus metric the hub exports (process-wide, on the default registry).

Label values are kept to bounded sets (root fields of the schema, error codes, declared
systems, entity types), so a client cannot grow the series count by what it sends.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# The *_created series (one per labelled child) double the output and no dashboard reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus-client

# Latency buckets from a cached resolve (~1 ms) to a 1000-record batch (seconds).
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
STORE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5)

GRAPHQL_REQUESTS = Counter(
    "mdm_graphql_requests",
    "GraphQL requests by operation type, root field and outcome (ok, or the first error's "
    "code); a request selecting several root fields counts under each.",
    ["operation", "root_field", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "mdm_graphql_request_duration_seconds",
    "Duration of GraphQL requests, HTTP in to HTTP out, by operation type and root field.",
    ["operation", "root_field"],
    buckets=REQUEST_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "mdm_http_requests",
    "HTTP requests by route and status code (429: rate limited).",
    ["route", "status"],
)
AUTH_FAILURES = Counter(
    "mdm_authentication_failures",
    "Requests whose credentials were missing or did not hold, by credential kind.",
    ["credential"],
)
RATE_LIMITED = Counter(
    "mdm_rate_limited_requests",
    "Requests refused with 429 because their caller was over its rate limit, by caller kind.",
    ["caller"],
)

LIVE_SUBSCRIPTIONS = Gauge(
    "mdm_live_subscriptions",
    "GraphQL subscriptions open now (over WebSocket), by root field.",
    ["root_field"],
)
SUBSCRIPTIONS_ENDED = Counter(
    "mdm_subscriptions_ended",
    "GraphQL subscriptions that ended, by root field and how: completed (the server ended "
    "it: a followed golden record merged away), closed (the client left), or the error's "
    "code (UNAUTHENTICATED once credentials stop holding, NOT_FOUND, ...).",
    ["root_field", "outcome"],
)

UPSERTS = Counter(
    "mdm_upserts",
    "Source records upserted through the API, by entity type, system and outcome (CREATED, "
    "LINKED, UPDATED, UNCHANGED, REVIVED, or REJECTED).",
    ["entity_type", "system", "outcome"],
)
MATCH_DECISIONS = Counter(
    "mdm_match_decisions",
    "Match decisions on upserted records, by match rule file and band: link (linked "
    "automatically), review (queued for a steward), new (no match: a new golden record).",
    ["rule", "band"],
)

RESOLVE_CACHE = Counter(
    "mdm_resolve_cache_refs",
    "Refs resolved by resolve and resolveMany, by how: hit (answered from the process's "
    "resolve cache), miss (read from the store, then kept), bypass (read from the store: the "
    "cache was catching up with a write, or the request sent X-MDM-Bookmark).",
    ["result"],
)

REVIEW_QUEUE = Gauge("mdm_review_queue_size", "Open match candidates awaiting a steward.")
PENDING_REFERENCES = Gauge(
    "mdm_pending_references", "References waiting for a record the hub has not seen yet."
)
REJECT_QUEUE = Gauge("mdm_rejected_records", "Rejected records kept for inspection.")
UNMAPPED_CODES = Gauge(
    "mdm_unmapped_codes", "Distinct codes queued because no mapping covers them."
)
AUDIT_HEAD_SEQ = Gauge("mdm_audit_head_seq", "Sequence number of the last audit event (0: none).")
# Labelled by subscriber: admins create them, so the series stay few.
WEBHOOK_BACKLOG = Gauge(
    "mdm_webhook_backlog",
    "Change events after a webhook subscriber's cursor, not yet delivered (counted up to 1,000).",
    ["webhook"],
)
WEBHOOK_DEAD_LETTERS = Gauge(
    "mdm_webhook_dead_letters",
    "Events a webhook subscriber gave up on (dead letters).",
    ["webhook"],
)

STORE_CALLS = Counter(
    "mdm_store_calls",
    "Store round trips by method (tx.* inside a write transaction) and outcome (ok or the "
    "exception's class name).",
    ["method", "outcome"],
)
STORE_LATENCY = Histogram(
    "mdm_store_call_duration_seconds",
    "Duration of store round trips by method.",
    ["method"],
    buckets=STORE_BUCKETS,
)

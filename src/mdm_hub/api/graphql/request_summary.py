"""What a GraphQL request did, for its log line and the request metrics: who asked, which
operation and root fields, and the outcome (ok, or the first error's code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLError

OK = "ok"


@dataclass
class RequestSummary:
    actor: str = ""
    role: str = ""
    operation_type: str = ""  # query or mutation; "" when the document did not parse or validate
    operation_name: str = ""  # as the client named it (logged, never a metric label)
    root_fields: list[str] = field(default_factory=list)
    outcome: str = ""

    def record_outcome(self, errors: list[GraphQLError] | None) -> None:
        if not errors:
            self.outcome = OK
            return
        code = (errors[0].extensions or {}).get("code")
        self.outcome = str(code) if code else "ERROR"

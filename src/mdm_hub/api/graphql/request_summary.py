"""What a GraphQL request did, for its log line and the request metrics: who asked, which
operation and root fields, and the outcome (ok, or the first error's code)."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode

OK = "ok"


@dataclass
class RequestSummary:
    actor: str = ""
    role: str = ""
    # The operation that executed (None when the document did not parse or validate, or the
    # request never reached GraphQL); its root fields are read from it after the response.
    operation: OperationDefinitionNode | None = None
    document: DocumentNode | None = None
    outcome: str = ""

    def record_outcome(self, errors: list[GraphQLError] | None) -> None:
        if not errors:
            self.outcome = OK
            return
        code = (errors[0].extensions or {}).get("code")
        self.outcome = str(code) if code else "ERROR"

    @property
    def operation_type(self) -> str:
        """query or mutation; "" when none executed."""
        return self.operation.operation.value if self.operation is not None else ""

    @property
    def operation_name(self) -> str:
        """As the client named it (logged, never a metric label)."""
        name = self.operation.name if self.operation is not None else None
        return name.value if name is not None else ""

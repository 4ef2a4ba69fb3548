"""A schema extension keeping the executed operation on the request's summary."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from mdm_hub.api.auth.enforce import root_fields
from mdm_hub.api.graphql.request_summary import RequestSummary


class Observation(SchemaExtension):
    """Runs after parsing and validation, so every root field named later is one the schema
    has: a bounded label set."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        summary = getattr(execution.context, "summary", None)
        document = execution.graphql_document
        if isinstance(summary, RequestSummary) and document is not None:
            summary.document = document
            summary.operation = get_operation_ast(document, execution.operation_name)
        yield


def summary_root_fields(summary: RequestSummary) -> list[str]:
    """The root fields the executed operation selected, each once (none if none executed)."""
    if summary.document is None or summary.operation is None:
        return []
    name = summary.operation.name.value if summary.operation.name else None
    _, names = root_fields(summary.document, name)
    return list(dict.fromkeys(names))

"""A schema extension filling in the request's summary from the parsed document."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from mdm_hub.api.auth.enforce import root_fields
from mdm_hub.api.graphql.request_summary import RequestSummary


class Observation(SchemaExtension):
    """Records the operation and its root fields on the context's summary (after parsing and
    validation, so every field named is one the schema has: a bounded label set)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        summary = getattr(execution.context, "summary", None)
        document = execution.graphql_document
        if isinstance(summary, RequestSummary) and document is not None:
            operation = get_operation_ast(document, execution.operation_name)
            if operation is not None:
                summary.operation_type = operation.operation.value
                summary.operation_name = execution.operation_name or (
                    operation.name.value if operation.name else ""
                )
                _, names = root_fields(document, execution.operation_name)
                summary.root_fields = list(dict.fromkeys(names))
        yield

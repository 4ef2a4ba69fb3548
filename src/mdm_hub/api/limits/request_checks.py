"""Checks of a whole request before anything executes, once its variables are known: which
operation runs, what the query costs, how many records a mutation document writes, and the
text of arguments the hub cannot store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from mdm_hub.api.limits.argument_text import argument_problems
from mdm_hub.api.limits.cost import query_cost
from mdm_hub.api.limits.documents import argument_values, fields, fragments_of
from mdm_hub.api.limits.refusals import OperationNotChosen, QueryTooCostly
from mdm_hub.errors import InvalidInput, MdmError, Problem
from mdm_hub.services.ingest import MAX_UPSERT_BATCH


def request_checks(max_cost: int) -> Callable[[], SchemaExtension]:
    """A factory of the extension (strawberry builds one per request)."""
    return lambda: RequestChecks(max_cost)


class RequestChecks(SchemaExtension):
    def __init__(self, max_cost: int) -> None:
        self._max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if execution.result is None and document is not None:  # not refused already
            refusal = self._refusal(execution.variables)
            if refusal is not None:
                execution.result = ExecutionResult(
                    data=None, errors=[GraphQLError(str(refusal), original_error=refusal)]
                )
        yield

    def _refusal(self, variables: dict[str, Any] | None) -> MdmError | None:
        execution = self.execution_context
        document = execution.graphql_document
        assert document is not None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = execution._provided_operation_name  # what the client named
        if chosen is None and len(operations) > 1:
            return OperationNotChosen(len(operations))
        operation = get_operation_ast(document, execution.operation_name)
        if operation is None:
            return None  # graphql-core reports the unknown operation
        problems = argument_problems(document, operation, variables)
        if problems:
            return InvalidInput(problems)
        if operation.operation is OperationType.MUTATION:
            too_many = _too_many_records(operation, fragments_of(document), variables)
            if too_many is not None:
                return too_many
        # A mutation is priced too: what it answers may nest lists as deep as a query's.
        cost = query_cost(execution.schema._schema, document, operation, variables)
        if cost <= self._max_cost:
            return None
        return QueryTooCostly(cost, self._max_cost, operation.operation.value)


def _too_many_records(
    operation: OperationDefinitionNode, fragments: Any, variables: dict[str, Any] | None
) -> InvalidInput | None:
    """The batch cap holds per request: records are counted across every root field (aliases
    included), each field counting the records of its list argument, or one."""
    roots: list[FieldNode] = [field for _, field in fields(operation.selection_set, fragments)]
    count = 0
    for root in roots:
        lists = [len(v) for v in argument_values(root, variables).values() if isinstance(v, list)]
        count += max(lists, default=1)
    if count <= MAX_UPSERT_BATCH:
        return None
    return InvalidInput(
        [
            Problem(
                "inputs",
                f"{count} records in {len(roots)} mutation fields of this request; at most "
                f"{MAX_UPSERT_BATCH} per request, however many fields or aliases carry them",
            )
        ]
    )

"""Enforcement of the rule table, before anything executes.

A schema extension looks at every root field the operation selects (through fragments too)
and refuses the whole operation when the caller is not authenticated (UNAUTHENTICATED, HTTP
401) or lacks a role for any of them (FORBIDDEN, naming each field and the caller's role).
Introspection (`__schema`, `__type`, `__typename`) stays open: the schema is public.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperationType

from mdm_hub.api.auth.rules import allowed_roles
from mdm_hub.api.graphql.context import Context
from mdm_hub.errors import Forbidden, MdmError, Unauthenticated

ROOT_TYPES = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}


def root_fields(document: DocumentNode, operation_name: str | None) -> tuple[str, list[str]]:
    """The root type's name and the names of the fields the operation selects on it."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return "", []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names: list[str] = []

    def walk(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    walk(fragments[name].selection_set, seen | {name})

    walk(operation.selection_set, frozenset())
    return ROOT_TYPES.get(operation.operation, operation.operation.value), names


def denials(context: Context | None, type_name: str, fields: list[str]) -> list[MdmError]:
    """Why the operation must not run (nothing: it may). Without the hub's context (a schema
    executed some other way) nothing protected runs: fail closed."""
    protected = [f for f in dict.fromkeys(fields) if not f.startswith("__")]
    if not protected:
        return []
    principal = context.principal if context is not None else None
    if principal is None:
        return [Unauthenticated(context.auth_failure if context else "no request context")]
    return [
        Forbidden(f"{type_name}.{field} is not allowed for role {principal.role_names}")
        for field in protected
        if not principal.roles & allowed_roles(type_name, field)
    ]


class Authorization(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if document is not None:
            ours = context if isinstance(context, Context) else None
            refused = denials(ours, *root_fields(document, execution.operation_name))
            if refused:
                response = ours.response if ours is not None else None
                if isinstance(refused[0], Unauthenticated) and response is not None:
                    response.status_code = 401
                    response.headers["WWW-Authenticate"] = "Bearer"
                errors = [GraphQLError(str(e), original_error=e) for e in refused]
                if execution.operation_type == StrawberryOperationType.SUBSCRIPTION:
                    # Strawberry starts a subscription whatever the result says; raised here,
                    # the error is its only answer. (A subscription selects one root field.)
                    raise errors[0]
                execution.result = ExecutionResult(data=None, errors=errors)
        yield

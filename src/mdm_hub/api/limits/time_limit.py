"""The per-request execution time limit of queries.

A query still running after the limit is cancelled and answered QUERY_TIMEOUT, and the
event loop goes on serving others. Mutations run to their end: each record is written whole,
and stopping a batch midway would leave the client unsure which were. The cost limit keeps
queries that never yield (one huge level of results) from starting at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from strawberry.types import ExecutionResult

from mdm_hub.api.limits.refusals import QueryTimeout


class QueryTimeLimit:
    def __init__(self, seconds: float, max_tokens: int) -> None:
        self.seconds = seconds
        # Telling a query from a mutation parses the document: within the same token limit.
        self._max_tokens = max_tokens
        self._writes = lru_cache(maxsize=1024)(self._is_mutation)

    async def run(
        self,
        execution: Coroutine[Any, Any, ExecutionResult],
        query: object,
        operation_name: str | None,
    ) -> ExecutionResult:
        if self.seconds <= 0 or not isinstance(query, str) or self._writes(query, operation_name):
            return await execution
        try:
            return await asyncio.wait_for(execution, self.seconds)
        except TimeoutError:
            refusal = QueryTimeout(self.seconds)
            return ExecutionResult(
                data=None, errors=[GraphQLError(str(refusal), original_error=refusal)]
            )

    def _is_mutation(self, query: str, operation_name: str | None) -> bool:
        """An unparsable document is left to GraphQL, which reports why."""
        try:
            operation = get_operation_ast(parse(query, max_tokens=self._max_tokens), operation_name)
        except GraphQLError:
            return False
        return operation is not None and operation.operation is OperationType.MUTATION

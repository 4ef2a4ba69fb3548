"""Each distinct GraphQL document parsed and validated once: integrations send a handful of
query texts, over and over.

One extension does what four of Strawberry's did (`MaxTokensLimiter`, `AddValidationRules`,
`ParserCache`, `ValidationCache`), with the same results: Strawberry builds every extension
anew for each request and runs each one's hooks, and its validation cache is keyed on the
parsed document, whose hash walks every node of it on every request (graphql-core's nodes hash
by value). Here the parse is cached by the query text and the validation by the parsed
document's identity (the one the parse cache handed out, kept alive beside it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

Rules = tuple[type[ASTValidationRule], ...]


class DocumentCache:
    """The parsed documents and their validation errors, the `size` most recently used of
    each (bounded: distinct texts from callers cannot grow it without limit)."""

    def __init__(self, size: int, max_tokens: int, rules: Sequence[type[ASTValidationRule]]):
        self.size = size
        self.max_tokens = max_tokens
        self.rules: Rules = tuple(rules)
        self._parsed: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = (
            OrderedDict()
        )
        self._checked: OrderedDict[
            tuple[int, int, Rules], tuple[GraphQLSchema, DocumentNode, list[GraphQLError]]
        ] = OrderedDict()

    def parse(self, query: str, options: Mapping[str, Any]) -> DocumentNode:
        """The document of `query`; a syntax error (or too many tokens) raises, and is not
        kept: the next request with the same text is parsed, and refused, again."""
        key = (query, tuple(sorted(options.items())))
        document = self._parsed.get(key)
        if document is None:
            document = parse(query, **options)
            _remember(self._parsed, key, document, self.size)
        else:
            self._parsed.move_to_end(key)
        return document

    def validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> list[GraphQLError]:
        key = (id(schema), id(document), rules)
        known = self._checked.get(key)
        if known is not None and known[0] is schema and known[1] is document:
            self._checked.move_to_end(key)
            return known[2]
        errors = validate_document(schema, document, rules)
        _remember(self._checked, key, (schema, document, errors), self.size)
        return errors


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


def document_checks(cache: DocumentCache) -> Callable[[], SchemaExtension]:
    """A factory of the extension (Strawberry builds one per request), all sharing `cache`."""
    return lambda: DocumentChecks(cache)


class DocumentChecks(SchemaExtension):
    def __init__(self, cache: DocumentCache) -> None:
        self._cache = cache

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        execution.parse_options["max_tokens"] = self._cache.max_tokens
        execution.validation_rules = execution.validation_rules + self._cache.rules
        yield

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.graphql_document is None and execution.query:
            execution.graphql_document = self._cache.parse(execution.query, execution.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution.pre_execution_errors is None:
            execution.pre_execution_errors = self._cache.validate(
                execution.schema._schema, document, tuple(execution.validation_rules)
            )
        yield

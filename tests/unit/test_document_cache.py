"""Each distinct GraphQL text is parsed and validated once, with the same outcome as parsing
and validating it every time: syntax errors and the token limit refuse it again and again,
validation errors are answered again, and the cache stays within its size."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLSyntaxError

from mdm_hub.api.graphql.documents import DocumentCache, document_checks


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "you") -> str:
        return f"hello {name}"


def _schema(cache: DocumentCache) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=[document_checks(cache)])


def test_a_text_is_parsed_once_and_answered_as_usual() -> None:
    cache = DocumentCache(size=8, max_tokens=100, rules=[])
    first = cache.parse("{ hello }", {"max_tokens": 100})
    assert cache.parse("{ hello }", {"max_tokens": 100}) is first
    assert cache.parse('{ hello(name: "x") }', {"max_tokens": 100}) is not first
    schema = _schema(cache)
    for _ in range(2):
        result = schema.execute_sync('{ hello(name: "ann") }')
        assert result.errors is None
        assert result.data == {"hello": "hello ann"}


def test_a_syntax_error_is_refused_every_time() -> None:
    cache = DocumentCache(size=8, max_tokens=100, rules=[])
    for _ in range(2):
        with pytest.raises(GraphQLSyntaxError):
            cache.parse("{ hello ", {})
    schema = _schema(cache)
    for _ in range(2):
        result = schema.execute_sync("{ hello ")
        assert result.errors
        assert "Syntax Error" in result.errors[0].message


def test_the_token_limit_holds_for_a_cached_text_too() -> None:
    schema = _schema(DocumentCache(size=8, max_tokens=5, rules=[]))
    for _ in range(2):
        result = schema.execute_sync('{ a: hello b: hello c: hello(name: "x") }')
        assert result.errors
        assert "token" in result.errors[0].message.lower()


def test_validation_errors_are_answered_again() -> None:
    schema = _schema(DocumentCache(size=8, max_tokens=100, rules=[]))
    for _ in range(2):
        result = schema.execute_sync("{ goodbye }")
        assert result.errors
        assert "goodbye" in result.errors[0].message


def test_the_extra_rules_apply() -> None:
    limiter = strawberry.extensions.MaxAliasesLimiter(max_alias_count=1)
    schema = _schema(DocumentCache(size=8, max_tokens=100, rules=limiter.validation_rules))
    assert schema.execute_sync("{ a: hello }").errors is None
    for _ in range(2):
        result = schema.execute_sync("{ a: hello b: hello }")
        assert result.errors
        assert "aliases" in result.errors[0].message


def test_the_cache_keeps_at_most_its_size() -> None:
    cache = DocumentCache(size=2, max_tokens=100, rules=[])
    oldest = cache.parse("{ a: hello }", {})
    cache.parse("{ b: hello }", {})
    cache.parse("{ c: hello }", {})
    assert cache.parse("{ a: hello }", {}) is not oldest  # dropped, parsed again
    schema = _schema(cache)
    for text in ("{ a: hello }", "{ b: hello }", "{ c: hello }", "{ a: hello }"):
        assert schema.execute_sync(text).errors is None
    assert len(cache._parsed) <= 2
    assert len(cache._checked) <= 2

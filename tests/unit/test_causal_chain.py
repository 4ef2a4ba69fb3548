"""A request's causal chain: the bookmarks its reads wait for, and the X-MDM-Bookmark header
that carries them from one request to the next."""

from __future__ import annotations

import asyncio

import pytest

from mdm_hub.api.bookmarks import (
    MAX_BOOKMARKS,
    InvalidBookmarkHeader,
    format_bookmarks,
    parse_bookmarks,
)
from mdm_hub.causality import CausalChain, causal_chain, current_chain


def test_a_commit_supersedes_the_bookmarks_its_transaction_began_at() -> None:
    chain = CausalChain(["b1"])
    chain.advance(["b1"], ["b2"])
    assert chain.bookmarks == {"b2"}


def test_concurrent_transactions_keep_each_others_bookmarks_until_one_supersedes_both() -> None:
    chain = CausalChain(["b1"])
    chain.advance(["b1"], ["b2"])  # two transactions began at b1; the first commits
    chain.advance(["b1"], ["b3"])  # the second: b2 must still be waited for
    assert chain.bookmarks == {"b2", "b3"}
    chain.advance(["b2", "b3"], ["b4"])
    assert chain.bookmarks == {"b4"}


async def test_a_chain_holds_for_the_block_and_the_tasks_it_starts_and_no_longer() -> None:
    assert current_chain() is None
    with causal_chain(["b1"]) as chain:

        async def in_a_task() -> None:
            found = current_chain()
            assert found is chain
            found.advance(["b1"], ["b2"])

        await asyncio.create_task(in_a_task())
        assert chain.bookmarks == {"b2"}  # what a task the request started wrote counts
    assert current_chain() is None


def test_the_header_holds_a_comma_separated_list_and_may_come_more_than_once() -> None:
    assert parse_bookmarks([]) == frozenset()
    assert parse_bookmarks(["FB:a+b/c=, FB:d", "FB:e"]) == {"FB:a+b/c=", "FB:d", "FB:e"}
    assert parse_bookmarks([format_bookmarks(frozenset({"FB:x", "FB:y"}))]) == {"FB:x", "FB:y"}


@pytest.mark.parametrize(
    ("values", "why"),
    [
        (["FB:a, <script>"], "'<script>' is not a bookmark"),
        (["FB:a b"], "is not a bookmark"),
        ([",".join(f"FB:{n}" for n in range(MAX_BOOKMARKS + 1))], f"at most {MAX_BOOKMARKS}"),
        (["FB:" + "a" * 2000], "is not a bookmark"),
    ],
)
def test_a_header_that_is_not_a_bookmark_list_is_refused_saying_why(
    values: list[str], why: str
) -> None:
    with pytest.raises(InvalidBookmarkHeader, match=why.replace("(", r"\(")):
        parse_bookmarks(values)

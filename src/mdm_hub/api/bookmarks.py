"""X-MDM-Bookmark: an integration that writes and then reads reads what it wrote, even when
the store serves reads from another copy (a Neo4j cluster's secondaries).

Every request runs in a causal chain of its own (mdm_hub.causality), seeded with the bookmarks
the caller sent in X-MDM-Bookmark (comma-separated, as the hub gave them out). A response
whose request moved the chain on (it wrote, or read at a later position than it sent) carries
the chain's bookmarks in the same header: a later request that sends them back reads at or
after that point, whichever API replica and store copy serve it.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdm_hub.causality import causal_chain

HEADER = "X-MDM-Bookmark"
_HEADER_KEY = HEADER.lower().encode("latin-1")
# Bookmarks are opaque to callers; these bounds only keep a header from being abused.
_BOOKMARK = re.compile(r"^[A-Za-z0-9+/=:_.\-]{1,1024}$")
MAX_BOOKMARKS = 32


class InvalidBookmarkHeader(ValueError):
    """The header holds something that is not a list of bookmarks."""


def parse_bookmarks(values: list[str]) -> frozenset[str]:
    """The bookmarks in the header's values (it may be sent more than once)."""
    bookmarks = frozenset(
        item.strip() for value in values for item in value.split(",") if item.strip()
    )
    if len(bookmarks) > MAX_BOOKMARKS:
        raise InvalidBookmarkHeader(f"{len(bookmarks)} bookmarks given; at most {MAX_BOOKMARKS}")
    for bookmark in bookmarks:
        if not _BOOKMARK.match(bookmark):
            raise InvalidBookmarkHeader(
                f"{bookmark[:40]!r} is not a bookmark: send back the value of {HEADER} "
                "as the hub returned it"
            )
    return bookmarks


def format_bookmarks(bookmarks: frozenset[str]) -> str:
    return ", ".join(sorted(bookmarks))


class CausalConsistency:
    """ASGI middleware: one causal chain per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = [v.decode("latin-1") for k, v in scope["headers"] if k == _HEADER_KEY]
        try:
            received = parse_bookmarks(sent)
        except InvalidBookmarkHeader as exc:
            await _refuse(send, f"{HEADER}: {exc}")
            return
        with causal_chain(received) as chain:

            async def sending(message: Message) -> None:
                moved = chain.bookmarks and chain.bookmarks != received
                if message["type"] == "http.response.start" and moved:
                    value = format_bookmarks(chain.bookmarks).encode("latin-1")
                    message["headers"] = [*message.get("headers", []), (_HEADER_KEY, value)]
                await send(message)

            await self.app(scope, receive, sending)


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps(
        {"data": None, "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})

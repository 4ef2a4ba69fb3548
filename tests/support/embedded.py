"""An embedded store on a file, open for a block: tests that write a file and then read it
(a CLI, a backup) open and close it around each step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore


@asynccontextmanager
async def opened_embedded(path: Path) -> AsyncIterator[EmbeddedStore]:
    store = EmbeddedStore(str(path))
    await store.open()
    try:
        yield store
    finally:
        await store.close()

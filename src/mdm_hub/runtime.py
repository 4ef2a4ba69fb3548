"""Process-wide tuning for a long-running hub process: the server and the bulk commands."""

from __future__ import annotations

import gc

# An upsert allocates a few hundred short-lived containers (rows, dicts, value objects), so
# the collector's default (a young collection every 700 net allocations) ran one every two or
# three records, each walking whatever had survived so far: 3-4% of febrl3 ingest. Young
# collections every 10,000 allocations cost ~0.2% and keep cyclic garbage a few MB at most.
YOUNG_COLLECTION_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Call once start-up has loaded what lives as long as the process (rule sets, lookup
    tables, the web app): it is frozen out of every later collection, and young objects are
    collected less often. Not for library callers: it changes the whole process."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)

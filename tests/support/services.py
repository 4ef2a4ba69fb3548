"""Services wired as production wires them, with the shipped rule files."""

from __future__ import annotations

from functools import cache

from mdm_hub.config import REPO_ROOT
from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.review import ReviewService


@cache
def shipped_matcher() -> RecordMatcher:
    return RecordMatcher.from_directory(REPO_ROOT / "matching")


def ingest_service(store: Store) -> IngestService:
    return IngestService(store, shipped_matcher())


def review_service(store: Store) -> ReviewService:
    return ReviewService(store, shipped_matcher())

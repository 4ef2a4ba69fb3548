"""The composition root: the one place that picks adapters and builds services."""

from __future__ import annotations

from dataclasses import dataclass

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError
from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.queries import ResolveService
from mdm_hub.services.review import ReviewService


def build_store(settings: Settings) -> Store:
    if settings.store == "embedded":
        return EmbeddedStore(settings.embedded_path)
    if not settings.neo4j_uri:
        raise ConfigurationError(
            "MDM_STORE=neo4j needs MDM_NEO4J_URI (e.g. bolt://127.0.0.1:7687); "
            "`mdm-hub neo4j start` runs a local server and prints it"
        )
    return Neo4jStore(
        uri=settings.neo4j_uri,
        user=settings.neo4j_user,
        password=settings.neo4j_password.get_secret_value(),
        cypher_dir=settings.cypher_dir,
        database=settings.neo4j_database,
    )


@dataclass(frozen=True)
class Services:
    store: Store
    ingest: IngestService
    resolve: ResolveService
    review: ReviewService

    @classmethod
    def over(cls, store: Store, matcher: RecordMatcher) -> Services:
        return cls(
            store=store,
            ingest=IngestService(store, matcher),
            resolve=ResolveService(store),
            review=ReviewService(store, matcher),
        )

    @classmethod
    def from_settings(cls, settings: Settings, store: Store | None = None) -> Services:
        """Everything the API and CLI need; raises ConfigurationError on a bad rule file."""
        matcher = RecordMatcher.from_directory(settings.matching_dir)
        return cls.over(store if store is not None else build_store(settings), matcher)

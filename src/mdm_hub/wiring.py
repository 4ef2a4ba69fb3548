"""The composition root: the one place that picks adapters and builds services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.http_sender import HttpSender
from mdm_hub.adapters.neo4j import ConnectionPolicy, Neo4jStore
from mdm_hub.config import Settings
from mdm_hub.datafiles import shipped
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import ConfigurationError
from mdm_hub.onboarding.reference_files import load_code_sets, reference_directory
from mdm_hub.onboarding.systems_file import load_systems, shipped_systems
from mdm_hub.ports import Store
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.api_keys import ApiKeyService
from mdm_hub.services.audit import AuditService
from mdm_hub.services.history import HistoryService
from mdm_hub.services.ingest import IngestService
from mdm_hub.services.live_changes import LiveChanges
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.merge_preview import MergePreviewService
from mdm_hub.services.merges import MergeService
from mdm_hub.services.overrides import OverrideService
from mdm_hub.services.recompute import RecomputeService
from mdm_hub.services.resolution_cache import ResolutionCache
from mdm_hub.services.resolve import ResolveService
from mdm_hub.services.review import ReviewService
from mdm_hub.services.search import SearchService
from mdm_hub.services.webhooks.dispatcher import DeliveryPolicy, Dispatcher
from mdm_hub.services.webhooks.registry import WebhookService
from mdm_hub.survivorship.loader import load_rule_set
from mdm_hub.survivorship.rules import RuleSet

# The folders shipped in the package (`mdm_hub/shipped/`), used unless a setting names another.
CYPHER_DIR = "cypher"
MATCHING_DIR = "matching"
SURVIVORSHIP_DIR = "survivorship"


def cypher_directory(settings: Settings) -> Path | Traversable:
    """MDM_CYPHER_DIR, else the Cypher queries shipped in the package."""
    return settings.cypher_dir if settings.cypher_dir is not None else shipped(CYPHER_DIR)


def matching_directory(settings: Settings) -> Path | Traversable:
    """MDM_MATCHING_DIR, else the match rules shipped in the package."""
    return settings.matching_dir if settings.matching_dir is not None else shipped(MATCHING_DIR)


def survivorship_directory(settings: Settings) -> Path | Traversable:
    """MDM_SURVIVORSHIP_DIR, else the survivorship rules shipped in the package."""
    configured = settings.survivorship_dir
    return configured if configured is not None else shipped(SURVIVORSHIP_DIR)


@cache
def shipped_matcher() -> RecordMatcher:
    """The match rules shipped in the package, read through the shipped systems."""
    return RecordMatcher.from_directory(shipped(MATCHING_DIR), shipped_systems())


@cache
def shipped_rules() -> RuleSet:
    """The survivorship rules shipped in the package, read through the shipped systems."""
    return load_rule_set(shipped(SURVIVORSHIP_DIR), shipped_systems())


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
        cypher_dir=cypher_directory(settings),
        database=settings.neo4j_database,
        policy=ConnectionPolicy(
            connection_timeout=settings.neo4j_connection_timeout_seconds,
            acquisition_timeout=settings.neo4j_acquisition_timeout_seconds,
            write_retry_seconds=settings.neo4j_write_retry_seconds,
            read_timeout=settings.neo4j_read_timeout_seconds,
        ),
    )


def load_declared_systems(settings: Settings) -> SystemRegistry:
    """The declared source systems (MDM_SYSTEMS_FILE, default the shipped systems.yaml),
    validated: raises SystemsFileError naming the file, the system and the field."""
    if settings.systems_file is None:
        return shipped_systems()
    return load_systems(settings.systems_file)


def load_rules(settings: Settings, systems: SystemRegistry | None = None) -> RuleSet:
    """Every survivorship rule file, validated: raises ConfigurationError (naming the file, the
    field and the problem) so that nothing starts on rules that cannot be used."""
    if systems is None:
        systems = load_declared_systems(settings)
    return load_rule_set(survivorship_directory(settings), systems)


def load_reference(settings: Settings, systems: SystemRegistry | None = None) -> CodeSets:
    """The code sets (MDM_REFERENCE_DIR, else those shipped), checked against the declared
    systems: raises ConfigurationError naming the file, the code set and the field."""
    return load_code_sets(
        reference_directory(settings.reference_dir),
        systems if systems is not None else shipped_systems(),
    )


@dataclass(frozen=True)
class Services:
    store: Store
    systems: SystemRegistry
    ingest: IngestService
    resolve: ResolveService
    review: ReviewService
    overrides: OverrideService
    merges: MergeService
    recompute: RecomputeService
    api_keys: ApiKeyService
    audit: AuditService
    history: HistoryService
    matcher: RecordMatcher  # the match rules in force (their file names label the metrics)
    search: SearchService
    merge_preview: MergePreviewService
    webhooks: WebhookService
    live_changes: LiveChanges  # change events as they commit, for subscriptions

    @classmethod
    def over(
        cls,
        store: Store,
        matcher: RecordMatcher | None = None,
        rules: RuleSet | None = None,
        systems: SystemRegistry | None = None,
        codes: CodeSets | None = None,
        allow_private_webhooks: bool = False,
    ) -> Services:
        """Services over `store`; without `matcher`, `rules` or `systems`, the files shipped
        with the package; without `codes`, golden values are not mapped through code sets."""
        matcher = matcher if matcher is not None else shipped_matcher()
        rules = rules if rules is not None else shipped_rules()
        systems = systems if systems is not None else shipped_systems()
        return cls(
            store=store,
            systems=systems,
            ingest=IngestService(store, matcher, rules=rules, systems=systems, codes=codes),
            resolve=ResolveService(store),
            review=ReviewService(store, matcher),
            overrides=OverrideService(store, rules, codes=codes),
            merges=MergeService(store, rules, codes=codes),
            recompute=RecomputeService(store, rules, codes=codes),
            api_keys=ApiKeyService(store),
            audit=AuditService(store),
            history=HistoryService(store, rules, AuditService(store), codes),
            matcher=matcher,
            search=SearchService(store),
            merge_preview=MergePreviewService(store, rules, codes),
            webhooks=WebhookService(store, allow_private_webhooks),
            live_changes=LiveChanges(store),
        )

    @classmethod
    def from_settings(cls, settings: Settings, store: Store | None = None) -> Services:
        """Everything the API and CLI need. Raises ConfigurationError, before anything
        starts, when a match or survivorship rule file or a reference data file is unusable."""
        systems = load_declared_systems(settings)
        matcher = RecordMatcher.from_directory(matching_directory(settings), systems)
        rules = load_rules(settings, systems)
        codes = load_reference(settings, systems)
        store = store if store is not None else build_store(settings)
        services = cls.over(store, matcher, rules, systems, codes, settings.webhook_allow_private)
        keys = ApiKeyService(store, cache_seconds=settings.api_key_cache_seconds)
        live = LiveChanges(store, settings.subscription_poll_seconds)
        resolve = ResolveService(store, resolution_cache(settings, store))
        return replace(services, api_keys=keys, live_changes=live, resolve=resolve)


def resolution_cache(settings: Settings, store: Store) -> ResolutionCache | None:
    """The process's resolve cache, unless the settings turn it off."""
    if settings.resolve_cache_size == 0 or settings.resolve_cache_seconds == 0:
        return None
    return ResolutionCache(
        store, store.writes, settings.resolve_cache_size, settings.resolve_cache_seconds
    )


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        max_attempts=settings.webhook_max_attempts,
        base_delay_seconds=settings.webhook_base_delay_seconds,
        max_delay_seconds=settings.webhook_max_delay_seconds,
        lease_seconds=settings.webhook_lease_seconds,
        poll_seconds=settings.webhook_poll_seconds,
    )


def build_dispatcher(settings: Settings, store: Store) -> tuple[Dispatcher, HttpSender]:
    """The webhook dispatcher over `store`, posting over HTTP (close the sender after)."""
    sender = HttpSender(settings.webhook_timeout_seconds)
    dispatcher = Dispatcher(
        store,
        sender,
        allow_private=settings.webhook_allow_private,
        policy=delivery_policy(settings),
    )
    return dispatcher, sender


@asynccontextmanager
async def dispatching_webhooks(settings: Settings, store: Store) -> AsyncIterator[None]:
    """Run the webhook dispatcher in the background while the block runs."""
    dispatcher, sender = build_dispatcher(settings, store)
    task = asyncio.create_task(dispatcher.run())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await sender.close()

"""The typed catalog of Cypher queries, loaded from a folder of `*.cypher` files (one query per
file; the package ships them in `mdm_hub/shipped/cypher/`).

Query names come from the file names; `Query` must list exactly those files, which load
checks, so a renamed or missing file stops the service at start-up rather than mid-request.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import LiteralString

from mdm_hub.errors import ConfigurationError

SUFFIX = ".cypher"


class Query(StrEnum):
    GET_SOURCE = "get_source"
    GOLDEN_IDS_OF = "golden_ids_of"
    REFERRER_GOLDENS = "referrer_goldens"
    GOLDEN_ATTRIBUTES = "golden_attributes"
    TERM_COUNTS = "term_counts"
    LOCK_KEYS = "lock_keys"
    CANDIDATES = "candidates"
    LOCK_GROUP_SOURCES = "lock_group_sources"
    GROUP_CANDIDATES = "group_candidates"
    BLOCKED_GOLDENS = "blocked_goldens"
    SEPARATED_GOLDENS = "separated_goldens"
    RECORD_NOT_A_MATCH = "record_not_a_match"
    MERGE_GOLDEN = "merge_golden"
    REVIVE_GOLDEN = "revive_golden"
    DECIDE_MATCH_CANDIDATE = "decide_match_candidate"
    GET_MATCH_CANDIDATE = "get_match_candidate"
    QUEUE_SIZES = "queue_sizes"
    LIST_MATCH_CANDIDATES = "list_match_candidates"
    PUT_SOURCE = "put_source"
    SET_MEMBERSHIP = "set_membership"
    PUT_MEMBER_SOURCE = "put_member_source"
    FLUSH_WRITES = "flush_writes"
    ANY_PENDING = "any_pending"
    MEMBERS = "members"
    UPDATE_GOLDEN = "update_golden"
    LOCK_READ_GOLDEN = "lock_read_golden"
    LOCK_READ_GOLDENS = "lock_read_goldens"
    ADD_OVERRIDE_EVENT = "add_override_event"
    RESOLVE_MANY = "resolve_many"
    GOLDEN_IDS = "golden_ids"
    COUNT_GOLDENS = "count_goldens"
    SOURCE_VERSIONS = "source_versions"
    RECORD_REJECTS = "record_rejects"
    LIST_REJECTS = "list_rejects"
    PUT_REFERENCES = "put_references"
    LINK_PENDING = "link_pending"
    AWAITING = "awaiting"
    HEARTBEAT = "heartbeat"
    SYNC_RELATIONSHIPS = "sync_relationships"
    HIERARCHY_PATH = "hierarchy_path"
    MERGE_RELATIONSHIPS = "merge_relationships"
    DEPENDENT_GOLDENS = "dependent_goldens"
    GET_GOLDENS = "get_goldens"
    LIST_GOLDENS = "list_goldens"
    RELATIONSHIPS = "relationships"
    WALK = "walk"
    PENDING_REFERENCES = "pending_references"
    PUT_API_KEY = "put_api_key"
    GET_API_KEY = "get_api_key"
    LIST_API_KEYS = "list_api_keys"
    REVOKE_API_KEY = "revoke_api_key"
    LOCK_AUDIT_HEAD = "lock_audit_head"
    AUDIT_HEAD = "audit_head"
    AUDIT_EVENTS = "audit_events"
    AUDIT_EVENTS_FOR = "audit_events_for"
    AUDIT_INDEX_MISSING = "audit_index_missing"
    AUDIT_INDEX_EXTRA = "audit_index_extra"
    REWRITE_AUDIT_HEAD = "rewrite_audit_head"
    COUNT_UNMAPPED_CODES = "count_unmapped_codes"
    DROP_UNMAPPED_CODES = "drop_unmapped_codes"
    UNMAPPED_CODES = "unmapped_codes"
    RETIRE_SOURCE = "retire_source"
    REVIVE_SOURCE = "revive_source"
    SET_GOLDEN_STATUS = "set_golden_status"
    SEARCH_GOLDENS = "search_goldens"
    REFRESH_PIN_SEARCH = "refresh_pin_search"
    UNSEARCHED_SOURCES = "unsearched_sources"
    SET_SEARCH_TEXTS = "set_search_texts"
    PINNED_GOLDEN_IDS = "pinned_golden_ids"
    SCHEMA_UPGRADE_DONE = "schema_upgrade_done"
    MARK_SCHEMA_UPGRADE = "mark_schema_upgrade"
    AWAIT_GOLDEN_SEARCH = "await_golden_search"
    UNSYSTEMED_REJECTS = "unsystemed_rejects"
    SET_REJECT_SYSTEMS = "set_reject_systems"
    OPEN_CANDIDATES_FOR = "open_candidates_for"
    CHANGES = "changes"
    PRUNE_CHANGES = "prune_changes"
    LAST_CHANGE_POSITION = "last_change_position"
    PUT_WEBHOOK = "put_webhook"
    LIST_WEBHOOKS = "list_webhooks"
    DELETE_WEBHOOK = "delete_webhook"
    LEASE_WEBHOOK = "lease_webhook"
    ADVANCE_WEBHOOK = "advance_webhook"
    PUT_DEAD_LETTER = "put_dead_letter"
    DEAD_LETTERS = "dead_letters"
    REPLAY_DEAD_LETTERS = "replay_dead_letters"
    DROP_DEAD_LETTER = "drop_dead_letter"


@dataclass(frozen=True)
class CypherCatalog:
    queries: dict[Query, LiteralString]
    schema: tuple[tuple[str, LiteralString], ...]

    def __getitem__(self, query: Query) -> LiteralString:
        return self.queries[query]

    @classmethod
    def load(cls, directory: Path | Traversable) -> CypherCatalog:
        if not directory.is_dir():
            raise ConfigurationError(f"Cypher directory {directory} does not exist")
        found = _cypher_files(directory)
        expected = {query.value for query in Query}
        missing, unknown = sorted(expected - found.keys()), sorted(found.keys() - expected)
        if missing or unknown:
            raise ConfigurationError(
                f"Cypher catalog {directory} does not match the code: "
                f"missing files {missing}, files no code uses {unknown}"
            )
        schema_files = sorted(_cypher_files(directory / "schema").items())
        return cls(
            queries={query: _read(found[query.value]) for query in Query},
            schema=tuple((name, _read(path)) for name, path in schema_files),
        )


def _cypher_files(directory: Path | Traversable) -> dict[str, Path | Traversable]:
    """The folder's `*.cypher` files by name without the suffix (none if there is no folder)."""
    if not directory.is_dir():
        return {}
    return {
        entry.name.removesuffix(SUFFIX): entry
        for entry in directory.iterdir()
        if entry.name.endswith(SUFFIX) and entry.is_file()
    }


def _read(path: Path | Traversable) -> LiteralString:
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise ConfigurationError(f"Cypher file {path} is empty")
    # Files in the repository are trusted text, never built from user values. (mypy reads
    # LiteralString as str; the annotation documents the contract for stricter checkers.)
    return text

"""Settings, from the environment (prefix MDM_) or a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MDM_", env_file=".env", extra="ignore")

    store: Literal["embedded", "neo4j"] = "embedded"
    embedded_path: str = "./mdm-hub.db"

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str | None = None
    # How long the hub waits on Neo4j before it answers STORE_UNAVAILABLE (HTTP 503 with
    # Retry-After): a TCP connection to a server; a connection from the pool (a routing table
    # and opening a connection included), so a server that is gone or hangs is reported in
    # about this time; and a write's retries (transient errors, a cluster's leader switch).
    neo4j_connection_timeout_seconds: float = Field(default=1.0, gt=0)
    neo4j_acquisition_timeout_seconds: float = Field(default=1.5, gt=0)
    neo4j_write_retry_seconds: float = Field(default=15.0, ge=0)
    # A read's whole answer (a database still starting takes connections and answers late).
    neo4j_read_timeout_seconds: float = Field(default=10.0, gt=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    graphiql: bool = False
    # Swagger UI and the OpenAPI document (/docs, /redoc, /openapi.json): on with `serve --dev`.
    api_docs: bool = False
    log_level: str = "info"
    # "json": one JSON object per line (for log collectors); "console": for a person reading.
    log_format: Literal["json", "console"] = "json"
    # Prometheus metrics at /metrics.
    metrics: bool = True

    # Overrides of the files shipped in the package (None: the shipped ones, which the
    # composition root picks): Cypher queries, and one match and one survivorship rule file per
    # entity type, all validated at start-up.
    cypher_dir: Path | None = None
    matching_dir: Path | None = None
    survivorship_dir: Path | None = None
    # The declared source systems; default: the systems.yaml shipped in the package.
    systems_file: Path | None = None
    # Code sets and their mappings (one YAML file each); None: those shipped in the package.
    reference_dir: Path | None = None
    # Export mappings (`<system>/<object>.yaml`); None: the ones shipped in the package.
    mappings_dir: Path | None = None

    # Access control. "off" is for development only: everyone may do everything, and steward
    # actions are recorded with the X-Actor header's claim.
    auth: Literal["on", "off"] = "on"
    # OAuth2/OIDC bearer tokens (RS256 only), accepted when a JWKS URL is set.
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_role_claim: str = "roles"
    # The workbench's sign-in with OIDC (authorisation code with PKCE, a public client: no
    # secret), offered when a client ID is set with the settings above. Its endpoints are
    # discovered from the issuer; the provider's name is what the button says (default: the
    # issuer's host).
    oidc_client_id: str | None = None
    oidc_ui_scopes: str = "openid"
    oidc_provider_name: str | None = None
    # How long a process trusts an API key it read from the store before reading it again:
    # a key revoked elsewhere (another process, `mdm-hub keys revoke`) is refused within
    # this many seconds. 0 reads the key on every request.
    api_key_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    # Resolutions a process keeps (resolve and resolveMany answered without a store round
    # trip): at most this many refs, and a write made through another process is seen within
    # this many seconds (writes through the same process, and requests that send
    # X-MDM-Bookmark, always read current). 0 for either turns the cache off.
    resolve_cache_size: int = Field(default=20_000, ge=0)
    resolve_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    # Where `serve --dev` keeps the development key it prints, to reuse it on the next start.
    dev_key_file: Path = Path(".mdm-hub-dev-key")

    # Change events (the outbox) are kept this long, then `mdm-hub changes prune` drops them.
    change_retention_days: int = Field(default=30, ge=1)
    # Webhooks: subscribers on loopback or private addresses are refused (SSRF) unless this
    # is true (development and tests). The dispatcher runs in `serve` unless turned off here
    # (then run `mdm-hub dispatch`). A delivery is tried this often before its dead letter,
    # the subscriber waiting behind it; the retries wait from the base delay, doubling, up to
    # the maximum: by default at least 24.7 hours in all (docs/change-events.md).
    webhook_allow_private: bool = False
    webhook_dispatcher: bool = True
    webhook_max_attempts: int = Field(default=600, ge=1)
    webhook_base_delay_seconds: float = Field(default=1.0, gt=0)
    webhook_max_delay_seconds: float = Field(default=300.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_lease_seconds: float = Field(default=30.0, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    # GraphQL subscriptions read the outbox this often (changes committed through the same
    # process arrive at once; those of other processes within this).
    subscription_poll_seconds: float = Field(default=1.0, gt=0)

    # Protection of the GraphQL endpoint from abusive documents.
    max_query_depth: int = 12
    max_aliases: int = 50
    max_tokens: int = 50_000
    # What one query or mutation may cost before it runs: the objects it may resolve, each
    # list field counted by its page size (`first`) or usual fan-out, nested lists multiplied.
    max_query_cost: int = Field(default=50_000, ge=1)
    # A query (not a mutation: its records are written each whole) still running after this
    # long is stopped with QUERY_TIMEOUT. 0: no limit.
    query_timeout_seconds: float = Field(default=10.0, ge=0)
    # A request body larger than this is refused with 413 before it is read whole.
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # How deeply the JSON `variables` of a request may nest (objects and lists).
    max_variables_depth: int = Field(default=32, ge=4)

    # Requests each caller may make, in the `limits` notation ("600/minute", "20/second;600/minute";
    # "" = no limit). A caller is an API key (by prefix), a token subject, or, before
    # authentication succeeds, the client address. Answered with 429 and Retry-After.
    rate_limit: str = ""
    # Per-caller exceptions, by API key prefix or token subject: {"3f9a0c1b2d4e": "50/second"}.
    rate_limit_overrides: dict[str, str] = Field(default_factory=dict)

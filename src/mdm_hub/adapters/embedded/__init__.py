"""The zero-setup store: one SQLite file (or `:memory:` in tests)."""

from mdm_hub.adapters.embedded.store import EmbeddedStore

__all__ = ["EmbeddedStore"]

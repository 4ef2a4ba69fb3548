"""Code sets for tests, built the way the loader builds them (validated)."""

from __future__ import annotations

from typing import Any

import yaml

from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.onboarding.reference_files import parse_code_set, shipped_code_sets
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.reference.code_sets import CodeSet, CodeSets


def code_set(systems: SystemRegistry | None = None, **document: Any) -> CodeSet:
    """One code set from keyword fields (code_set=..., codes=[...], ...), validated."""
    registry = systems if systems is not None else shipped_systems()
    name = str(document["code_set"])
    return parse_code_set(yaml.safe_dump(document), name, f"<test {name}>", registry)


def code_sets(*sets: CodeSet, systems: SystemRegistry | None = None) -> CodeSets:
    return CodeSets({s.name: s for s in sets}, systems or shipped_systems())


def shipped_document(name: str) -> dict[str, Any]:
    """A shipped code set's file as a document to change."""
    document: dict[str, Any] = shipped_code_sets().by_name[name].file.model_dump(mode="json")
    return document


def shipped_with_mapping(name: str, key: str, mapping: dict[str, str]) -> CodeSets:
    """The shipped code sets with `mapping` added under `key` in one of them, its version
    bumped, as a steward's change would leave it."""
    document = shipped_document(name)
    document["mappings"][key] = {**document["mappings"].get(key, {}), **mapping}
    document["version"] += 1
    changed = code_set(**document)
    shipped = shipped_code_sets()
    return CodeSets({**shipped.by_name, name: changed}, shipped.systems)

"""Rule sets for tests, built the way the loader builds them (validated)."""

from __future__ import annotations

from typing import Any

import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.survivorship.loader import parse_rules
from mdm_hub.survivorship.rules import EntityRules


def rules_for(entity_type: EntityType = EntityType.CUSTOMER, **settings: Any) -> EntityRules:
    """Rules for `entity_type` from keyword settings, e.g. attributes={"name": {...}}."""
    document = {"entity_type": str(entity_type), **settings}
    return parse_rules(yaml.safe_dump(document), entity_type, f"<test {entity_type}>")

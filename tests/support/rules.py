"""Rule sets for tests, built the way the loader builds them (validated)."""

from __future__ import annotations

from typing import Any

import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.survivorship.loader import parse_rules
from mdm_hub.survivorship.rules import EntityRules, RuleSet
from mdm_hub.wiring import shipped_rules


def rules_for(entity_type: EntityType = EntityType.CUSTOMER, **settings: Any) -> EntityRules:
    """Rules for `entity_type` from keyword settings, e.g. attributes={"name": {...}}."""
    document = {**settings, "entity_type": str(entity_type)}
    return parse_rules(yaml.safe_dump(document), entity_type, f"<test {entity_type}>")


def shipped_with(entity_type: EntityType, **changes: Any) -> RuleSet:
    """The shipped rule set with one entity type's file changed, e.g. trust=[...] or
    attributes={"name": {...}} (merged into the file's attribute rules)."""
    shipped = shipped_rules()
    current = shipped.for_type(entity_type).file.model_dump(mode="json", exclude={"entity_type"})
    attributes = {**current["attributes"], **changes.pop("attributes", {})}
    changed = rules_for(entity_type, **{**current, **changes, "attributes": attributes})
    return RuleSet({**shipped.by_type, entity_type: changed})

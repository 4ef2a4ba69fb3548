"""The survivorship rule model: what a rule file may say, checked field by field.

A rule file names a strategy for each attribute (or leaves it to the default), the order in
which members are ranked when a strategy leaves a tie (tie-breakers), and an optional trust
ranking of systems. `EntityRules` is one entity type's validated rules with their hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mdm_hub.domain.attributes import AttributeKind, SystemCode, attribute_kinds
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import STEWARD
from mdm_hub.domain.records import canonical_json
from mdm_hub.errors import Problem

# Part of every rule set's hash: bump it when the engine's meaning of a rule changes, so every
# golden record computed before reads as stale and `mdm-hub recompute` refreshes it.
ENGINE_VERSION = 1


class Strategy(StrEnum):
    SOURCE_PRIORITY = "source_priority"  # the first listed system that has a value
    MOST_RECENT = "most_recent"  # the value observed last at its source (observedAt)
    MOST_FREQUENT = "most_frequent"  # the value most members hold
    LONGEST = "longest"  # the longest text
    MAX = "max"  # the greatest date or number
    MIN = "min"  # the least date or number
    UNION = "union"  # every distinct value, as a sorted list (multi-valued attributes)
    FIRST_NON_NULL = "first_non_null"  # the first member, in ranking order, with a value


class TieBreaker(StrEnum):
    TRUST = "trust"  # the system ranked higher in `trust` first
    MOST_RECENT = "most_recent"  # the member observed later first
    EARLIEST = "earliest"  # the member observed earlier first


# Strategies that compare values accept only the kinds of value they can compare.
COMPARABLE_KINDS: Mapping[Strategy, frozenset[AttributeKind]] = {
    Strategy.LONGEST: frozenset({AttributeKind.TEXT}),
    Strategy.MAX: frozenset({AttributeKind.DATE, AttributeKind.NUMBER}),
    Strategy.MIN: frozenset({AttributeKind.DATE, AttributeKind.NUMBER}),
}
DEFAULT_TIE_BREAKERS = (TieBreaker.TRUST, TieBreaker.MOST_RECENT)


def _distinct_systems(systems: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({s for s in systems if systems.count(s) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    if STEWARD in systems:
        raise ValueError(f"{STEWARD!r} is not a source system (it marks steward overrides)")
    return systems


def _distinct_tie_breakers(tie_breakers: tuple[TieBreaker, ...]) -> tuple[TieBreaker, ...]:
    if len(set(tie_breakers)) != len(tie_breakers):
        raise ValueError("lists a tie-breaker more than once")
    return tie_breakers


class _RuleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributeRule(_RuleModel):
    strategy: Strategy
    systems: tuple[SystemCode, ...] | None = Field(default=None, min_length=1)
    only_listed: bool = False
    tie_breakers: tuple[TieBreaker, ...] | None = None

    @field_validator("systems")
    @classmethod
    def _systems_once(cls, systems: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if systems is None else _distinct_systems(systems)

    @field_validator("tie_breakers")
    @classmethod
    def _tie_breakers_once(
        cls, tie_breakers: tuple[TieBreaker, ...] | None
    ) -> tuple[TieBreaker, ...] | None:
        return None if tie_breakers is None else _distinct_tie_breakers(tie_breakers)

    @model_validator(mode="after")
    def _options_fit_the_strategy(self) -> Self:
        if self.strategy is Strategy.SOURCE_PRIORITY and not self.systems:
            raise ValueError("source_priority needs `systems`, in priority order (e.g. [CRM, ERP])")
        given = [name for name, is_set in self._priority_options() if is_set]
        if self.strategy is not Strategy.SOURCE_PRIORITY and given:
            raise ValueError(f"`{given[0]}` applies to source_priority only, not {self.strategy}")
        return self

    def _priority_options(self) -> tuple[tuple[str, bool], ...]:
        return (("systems", self.systems is not None), ("only_listed", self.only_listed))


class RuleFile(_RuleModel):
    """One rule file, as written (after YAML parsing)."""

    entity_type: EntityType
    trust: tuple[SystemCode, ...] = ()
    tie_breakers: tuple[TieBreaker, ...] = DEFAULT_TIE_BREAKERS
    default: AttributeRule = AttributeRule(strategy=Strategy.MOST_RECENT)
    attributes: dict[str, AttributeRule] = Field(default_factory=dict)

    @field_validator("trust")
    @classmethod
    def _trust_once(cls, trust: tuple[str, ...]) -> tuple[str, ...]:
        return _distinct_systems(trust)

    @field_validator("tie_breakers")
    @classmethod
    def _tie_breakers_once(cls, tie_breakers: tuple[TieBreaker, ...]) -> tuple[TieBreaker, ...]:
        return _distinct_tie_breakers(tie_breakers)


def rule_problems(rules: RuleFile) -> list[Problem]:
    """What pydantic cannot see alone: attribute names, and strategies that fit their values."""
    kinds = attribute_kinds(rules.entity_type)
    problems = []
    for name, rule in rules.attributes.items():
        if name not in kinds:
            known = ", ".join(sorted(kinds))
            problems.append(
                Problem(
                    f"attributes.{name}",
                    f"not a {rules.entity_type} attribute; known attributes: {known}",
                )
            )
        elif problem := _kind_problem(rule.strategy, name, kinds[name]):
            problems.append(Problem(f"attributes.{name}.strategy", problem))
    if rules.default.strategy is Strategy.UNION:
        problems.append(
            Problem("default.strategy", "union makes a list; name each multi-valued attribute")
        )
    for name in sorted(kinds.keys() - rules.attributes.keys()):
        if problem := _kind_problem(rules.default.strategy, name, kinds[name]):
            problems.append(
                Problem("default.strategy", f"{problem}; give {name!r} a rule of its own")
            )
    return problems


def _kind_problem(strategy: Strategy, name: str, kind: AttributeKind) -> str | None:
    allowed = COMPARABLE_KINDS.get(strategy)
    if allowed is None or kind in allowed:
        return None
    wanted = " or ".join(sorted(allowed))
    return f"{strategy} needs a {wanted} attribute, and {name!r} is {kind}"


class Decision(NamedTuple):
    """How the engine decides one attribute: its rule, tie-breakers and kind of value."""

    rule: AttributeRule
    tie_breakers: tuple[TieBreaker, ...]
    kind: AttributeKind


@dataclass(frozen=True)
class EntityRules:
    """One entity type's validated rules, ready for the engine."""

    file: RuleFile
    kinds: Mapping[str, AttributeKind]
    hash: str
    # decision_for's answers: the engine asks once per attribute of every golden record.
    _decisions: dict[str, Decision] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, rules: RuleFile) -> EntityRules:
        """Compile rules that passed `rule_problems` without a problem."""
        payload = {"engine": ENGINE_VERSION, "rules": rules.model_dump(mode="json")}
        digest = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
        return cls(rules, attribute_kinds(rules.entity_type), digest)

    @property
    def entity_type(self) -> EntityType:
        return self.file.entity_type

    def rule_for(self, attribute: str) -> AttributeRule:
        return self.file.attributes.get(attribute, self.file.default)

    def tie_breakers_for(self, rule: AttributeRule) -> tuple[TieBreaker, ...]:
        return rule.tie_breakers if rule.tie_breakers is not None else self.file.tie_breakers

    def decision_for(self, attribute: str) -> Decision:
        decision = self._decisions.get(attribute)
        if decision is None:
            rule = self.rule_for(attribute)
            # Attributes come validated, so every name has a kind; text is the safe reading.
            kind = self.kinds.get(attribute, AttributeKind.TEXT)
            decision = Decision(rule, self.tie_breakers_for(rule), kind)
            self._decisions[attribute] = decision
        return decision


@dataclass(frozen=True)
class RuleSet:
    """The rules of every entity type."""

    by_type: Mapping[EntityType, EntityRules]

    def for_type(self, entity_type: EntityType) -> EntityRules:
        return self.by_type[entity_type]

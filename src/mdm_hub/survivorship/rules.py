"""The survivorship rule model: what a rule file may say, checked field by field.

A rule file names a strategy for each attribute (or leaves it to the default), the order in
which members are ranked when a strategy leaves a tie (tie-breakers), and an optional trust
ranking of systems. Where a rule lists systems it may name a declared system or a kind of
system (`CRM`: every declared CRM), so adding a second CRM needs no rule change. `EntityRules`
is one entity type's validated rules, with those names expanded through the declared systems,
and their hash.
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
from mdm_hub.domain.systems import SystemKind, SystemRegistry
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


def rule_problems(rules: RuleFile, systems: SystemRegistry) -> list[Problem]:
    """What pydantic cannot see alone: attribute names, strategies that fit their values, and
    system names that are neither a declared system nor a kind of system."""
    kinds = attribute_kinds(rules.entity_type)
    problems = _system_problems(rules, systems)
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


def _system_problems(rules: RuleFile, systems: SystemRegistry) -> list[Problem]:
    named: list[tuple[str, tuple[str, ...]]] = [("trust", rules.trust)]
    named.append(("default.systems", rules.default.systems or ()))
    named.extend((f"attributes.{a}.systems", r.systems or ()) for a, r in rules.attributes.items())
    problems = []
    for where, names in named:
        for name in names:
            if systems.expand(name) is None:
                problems.append(
                    Problem(
                        where,
                        f"{name!r} is neither a declared system ({systems.origin}) nor a kind "
                        f"of system ({', '.join(SystemKind)})",
                    )
                )
    return problems


def _kind_problem(strategy: Strategy, name: str, kind: AttributeKind) -> str | None:
    allowed = COMPARABLE_KINDS.get(strategy)
    if allowed is None or kind in allowed:
        return None
    wanted = " or ".join(sorted(allowed))
    return f"{strategy} needs a {wanted} attribute, and {name!r} is {kind}"


# A rule's `systems` (or `trust`) expanded through the declared systems: groups of system
# codes, most preferred first. A kind names a group of equals (every CRM); ties within a group
# are settled by the tie-breakers.
PriorityGroups = tuple[frozenset[str], ...]


def priority_groups(names: tuple[str, ...], systems: SystemRegistry) -> PriorityGroups:
    """`names` (systems or kinds, as validated) as groups of codes; a system already in an
    earlier group is not repeated ([salesforce, CRM]: salesforce, then the other CRMs)."""
    seen: set[str] = set()
    groups = []
    for name in names:
        group = frozenset(systems.expand(name) or ()) - seen
        if group:
            groups.append(group)
            seen |= group
    return tuple(groups)


class Decision(NamedTuple):
    """How the engine decides one attribute: its rule, tie-breakers and kind of value, and the
    systems `source_priority` prefers, in groups."""

    rule: AttributeRule
    tie_breakers: tuple[TieBreaker, ...]
    kind: AttributeKind
    priority: PriorityGroups = ()


@dataclass(frozen=True)
class EntityRules:
    """One entity type's validated rules, ready for the engine."""

    file: RuleFile
    kinds: Mapping[str, AttributeKind]
    hash: str
    # System code -> the position of its group in `trust` (unlisted systems rank after).
    trust_rank: Mapping[str, int] = field(default_factory=dict)
    # Rule systems (`default` under "") expanded into priority groups.
    priorities: Mapping[str, PriorityGroups] = field(default_factory=dict)
    # decision_for's answers: the engine asks once per attribute of every golden record.
    _decisions: dict[str, Decision] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, rules: RuleFile, systems: SystemRegistry) -> EntityRules:
        """Compile rules that passed `rule_problems` without a problem."""
        trust = priority_groups(rules.trust, systems)
        trust_rank = {code: rank for rank, group in enumerate(trust) for code in group}
        priorities = {
            name: priority_groups(rule.systems, systems)
            for name, rule in [("", rules.default), *rules.attributes.items()]
            if rule.systems
        }
        # What the names mean is part of the rules: declaring a second CRM changes what
        # "CRM" chooses, so golden records computed before read as stale.
        expanded = {
            "trust": [sorted(group) for group in trust],
            "priorities": {n: [sorted(g) for g in gs] for n, gs in sorted(priorities.items())},
        }
        payload = {
            "engine": ENGINE_VERSION,
            "rules": rules.model_dump(mode="json"),
            "systems": expanded,
        }
        digest = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
        return cls(rules, attribute_kinds(rules.entity_type), digest, trust_rank, priorities)

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
            priority = self.priorities.get(attribute if attribute in self.file.attributes else "")
            decision = Decision(rule, self.tie_breakers_for(rule), kind, priority or ())
            self._decisions[attribute] = decision
        return decision


@dataclass(frozen=True)
class RuleSet:
    """The rules of every entity type."""

    by_type: Mapping[EntityType, EntityRules]

    def for_type(self, entity_type: EntityType) -> EntityRules:
        return self.by_type[entity_type]

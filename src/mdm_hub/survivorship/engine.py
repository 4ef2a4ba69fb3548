"""Compute golden attributes, with provenance, from member source records. Pure.

For each attribute: a steward's pin if there is one; otherwise the attribute's rule picks
among the members that have a value. Every value names the member source record (system,
sourceId, version, observedAt) and the rule that chose it. The result depends only on the
members' content and the rules, never on the order in which members arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from mdm_hub.domain.attributes import AttributeKind
from mdm_hub.domain.overrides import STEWARD, OverrideEvent
from mdm_hub.domain.records import AttributeValue, SourceKey, StoredSource
from mdm_hub.survivorship.ranking import member_rank
from mdm_hub.survivorship.rules import EntityRules, Strategy, TieBreaker
from mdm_hub.survivorship.strategies import CHOOSERS, Candidate


def compute_golden_attributes(
    members: Iterable[StoredSource],
    rules: EntityRules,
    pins: Mapping[str, OverrideEvent] | None = None,
) -> tuple[AttributeValue, ...]:
    """Golden attributes sorted by name. `pins` are the steward overrides in force."""
    members = tuple(members)
    pins = pins or {}
    names = {name for member in members for name in member.attributes} | pins.keys()
    ranked = _Rankings(members, rules.file.trust)
    chosen = []
    for name in sorted(names):
        pin = pins.get(name)
        value = _pinned(name, pin, rules) if pin else _decided(name, ranked, rules)
        if value is not None:
            chosen.append(value)
    return tuple(chosen)


class _Rankings:
    """The members in preference order, sorted once per tie-breaker order (rules share a
    few orders between many attributes)."""

    def __init__(self, members: tuple[StoredSource, ...], trust: Sequence[str]) -> None:
        self._members = members
        self._trust = trust
        self._orders: dict[tuple[TieBreaker, ...], list[StoredSource]] = {}

    def ordered(self, tie_breakers: tuple[TieBreaker, ...]) -> list[StoredSource]:
        order = self._orders.get(tie_breakers)
        if order is None:
            order = sorted(self._members, key=member_rank(tie_breakers, self._trust))
            self._orders[tie_breakers] = order
        return order


def _decided(name: str, members: _Rankings, rules: EntityRules) -> AttributeValue | None:
    rule = rules.rule_for(name)
    ranked = [
        Candidate(member.attributes[name], member)
        for member in members.ordered(rules.tie_breakers_for(rule))
        if member.attributes.get(name) is not None
    ]
    if not ranked:
        return None
    # Attributes come validated, so every name has a kind; text is the safe reading if not.
    kind = rules.kinds.get(name, AttributeKind.TEXT)
    winners = CHOOSERS[rule.strategy](ranked, rule, kind)
    if not winners:
        return None
    parts = tuple(_provenance(name, c, rule.strategy) for c in winners)
    if rule.strategy is not Strategy.UNION:
        return parts[0]
    # The list as a whole is credited to the best-ranked member that contributed to it.
    best = next(c for c in ranked if any(c.member is w.member for w in winners))
    return _provenance(name, Candidate([p.value for p in parts], best.member), rule.strategy, parts)


def _provenance(
    name: str,
    candidate: Candidate,
    strategy: Strategy,
    parts: tuple[AttributeValue, ...] = (),
) -> AttributeValue:
    member = candidate.member
    return AttributeValue(
        name=name,
        value=candidate.value,
        rule=str(strategy),
        source=member.key,
        source_version=member.version,
        observed_at=member.observed_at,
        parts=parts,
    )


def _pinned(name: str, pin: OverrideEvent, rules: EntityRules) -> AttributeValue:
    return AttributeValue(
        name=name,
        value=pin.value,
        rule=STEWARD,
        source=SourceKey(STEWARD, rules.entity_type, pin.actor),
        source_version=pin.revision,
        observed_at=pin.at,
        reason=pin.reason,
    )

"""Compute golden attributes, with provenance, from member source records. Pure.

For each attribute: a steward's pin if there is one; otherwise the attribute's rule picks
among the members that have a value. Every value names the member source record (system,
sourceId, version, observedAt) and the rule that chose it. The result depends only on the
members' content and the rules, never on the order in which members arrived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mdm_hub.domain.overrides import STEWARD, OverrideEvent
from mdm_hub.domain.records import AttributeValue, SourceKey, StoredSource
from mdm_hub.survivorship.ranking import member_rank
from mdm_hub.survivorship.rules import EntityRules, Strategy, TieBreaker
from mdm_hub.survivorship.strategies import CHOOSERS, Candidate

# This runs for every ingested record, so the code below favours fewer objects and calls per
# attribute: candidates are gathered in one pass over the members, values built positionally.


def compute_golden_attributes(
    members: Iterable[StoredSource],
    rules: EntityRules,
    pins: Mapping[str, OverrideEvent] | None = None,
) -> tuple[AttributeValue, ...]:
    """Golden attributes sorted by name. `pins` are the steward overrides in force."""
    ranked = _Rankings(tuple(members), rules.trust_rank)
    pins = pins or {}
    # An attribute no member has a value for (and no pin sets) gets no golden value.
    names = ranked.candidates(rules.file.tie_breakers).keys() | pins.keys()
    chosen = []
    for name in sorted(names):
        pin = pins.get(name)
        value = _pinned(name, pin, rules) if pin else _decided(name, ranked, rules)
        if value is not None:
            chosen.append(value)
    return tuple(chosen)


class _Rankings:
    """For each tie-breaker order a rule uses, every attribute's candidates, best-ranked
    first. Gathered once per order (rules share a few orders between many attributes)."""

    def __init__(self, members: tuple[StoredSource, ...], trust: Mapping[str, int]) -> None:
        self._members = members
        self._trust = trust
        self._by_order: dict[tuple[TieBreaker, ...], dict[str, list[Candidate]]] = {}

    def candidates(self, tie_breakers: tuple[TieBreaker, ...]) -> dict[str, list[Candidate]]:
        found = self._by_order.get(tie_breakers)
        if found is None:
            found = self._gather(tie_breakers)
            self._by_order[tie_breakers] = found
        return found

    def _gather(self, tie_breakers: tuple[TieBreaker, ...]) -> dict[str, list[Candidate]]:
        members = self._members
        # One member (a new golden record, the most common case) is in order whatever the
        # tie-breakers: no sort key to build.
        if len(members) > 1:
            members = tuple(sorted(members, key=member_rank(tie_breakers, self._trust)))
        found: dict[str, list[Candidate]] = {}
        for member in members:
            for name, value in member.attributes.items():
                if value is None:
                    continue
                held = found.get(name)
                if held is None:
                    found[name] = [(value, member)]
                else:
                    held.append((value, member))
        return found


def _decided(name: str, members: _Rankings, rules: EntityRules) -> AttributeValue | None:
    decision = rules.decision_for(name)
    ranked = members.candidates(decision.tie_breakers).get(name)
    if not ranked:
        return None
    strategy = decision.rule.strategy
    winners = CHOOSERS[strategy](ranked, decision)
    if not winners:
        return None
    if strategy is not Strategy.UNION:
        return _provenance(name, winners[0], strategy)
    parts = tuple(_provenance(name, c, strategy) for c in winners)
    # The list as a whole is credited to the best-ranked member that contributed to it.
    best = next(member for _, member in ranked if any(member is w[1] for w in winners))
    return _provenance(name, ([p.value for p in parts], best), strategy, parts)


def _provenance(
    name: str,
    candidate: Candidate,
    strategy: Strategy,
    parts: tuple[AttributeValue, ...] = (),
) -> AttributeValue:
    value, member = candidate
    # Positional: noticeably cheaper than keywords for a frozen dataclass this size.
    return AttributeValue(
        name, value, str(strategy), member.key, member.version, member.observed_at, None, parts
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

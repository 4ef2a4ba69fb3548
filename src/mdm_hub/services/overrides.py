"""Steward overrides: pin a golden value against every rule, or hand it back to its rule.

Both run in one write transaction with the recompute they cause; bad input raises InvalidInput
(naming the field) before anything is written, and an unknown golden record raises NotFound.
Like every steward action, each names the golden record's version the steward read: a stale
one raises VersionConflict (services/versions.py), so two pins of one value never both win.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mdm_hub.domain.attributes import AttributeProblems, validate_attributes
from mdm_hub.domain.audit import Action, AuditContext, AuditEntry
from mdm_hub.domain.overrides import (
    OverrideAction,
    OverrideEvent,
    StewardNote,
    active_pins,
    next_revision,
)
from mdm_hub.domain.records import GoldenView, canonical_json, utc_now
from mdm_hub.errors import InvalidInput, NotFound, Problem
from mdm_hub.ports import Clock, Store, StoreTransaction
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.changes import record_change
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.services.versions import ExpectedVersions
from mdm_hub.survivorship.rules import EntityRules, RuleSet, Strategy

# The argument the steward's expected version comes in (GraphQL's name for it).
FIELD = "expectedVersion"
# A pinned list is typed in by a person: more than this is a mistake, not a value.
MAX_PINNED_ELEMENTS = 100

# Given the golden record (locked) and its rules, the event to record; raises to write nothing.
Decide = Callable[[GoldenView, EntityRules], OverrideEvent]


class OverrideService:
    def __init__(
        self,
        store: Store,
        rules: RuleSet,
        clock: Clock = utc_now,
        codes: CodeSets | None = None,
    ) -> None:
        self._store = store
        self._golden = GoldenRecomputer(rules, codes)
        self._clock = clock

    async def override_attribute(
        self,
        golden_id: str,
        attribute: str,
        value: Any,
        expected_version: int,
        reason: str,
        actor: str,
        *,
        audit: AuditContext | None = None,
    ) -> GoldenView:
        """Pin `attribute` to `value` until cleared; its provenance then reads STEWARD."""
        note = StewardNote.parse(actor, reason)
        versions = ExpectedVersions.of_one(golden_id, expected_version, FIELD)

        def event(view: GoldenView, rules: EntityRules) -> OverrideEvent:
            pinned = _pinnable_value(rules, attribute, value)
            return self._event(view, attribute, OverrideAction.PIN, pinned, note)

        return await self._act(golden_id, versions, event, audit or AuditContext(actor=note.actor))

    async def clear_override(
        self,
        golden_id: str,
        attribute: str,
        expected_version: int,
        reason: str,
        actor: str,
        *,
        audit: AuditContext | None = None,
    ) -> GoldenView:
        """Remove the pin on `attribute`: its rule chooses the value again."""
        note = StewardNote.parse(actor, reason)
        versions = ExpectedVersions.of_one(golden_id, expected_version, FIELD)

        def event(view: GoldenView, rules: EntityRules) -> OverrideEvent:
            _check_attribute(rules, attribute)
            if attribute not in active_pins(view.override_history):
                raise InvalidInput(
                    [Problem("attribute", f"{attribute!r} of {golden_id} has no override to clear")]
                )
            return self._event(view, attribute, OverrideAction.CLEAR, None, note)

        return await self._act(golden_id, versions, event, audit or AuditContext(actor=note.actor))

    async def _act(
        self,
        golden_id: str,
        versions: ExpectedVersions,
        decide: Decide,
        context: AuditContext,
    ) -> GoldenView:
        async def work(tx: StoreTransaction) -> None:
            view = (await versions.lock(tx, [golden_id]))[golden_id]
            event = decide(view, self._golden.rules.for_type(view.golden.entity_type))
            await tx.add_override_event(view.golden.id, event)
            history = (*view.override_history, event)
            await self._golden.apply(
                tx,
                replace(view, override_history=history),
                event.at,
                only_if_changed=False,
                context=context,
            )
            pinned = active_pins(view.override_history).get(event.attribute)
            await record_change(
                tx,
                [
                    AuditEntry(
                        event.at,
                        context,
                        Action.OVERRIDE
                        if event.action is OverrideAction.PIN
                        else (Action.CLEAR_OVERRIDE),
                        (view.golden.id,),
                        {"attribute": event.attribute, "pinned": pinned.value if pinned else None},
                        {
                            "attribute": event.attribute,
                            "pinned": event.value,
                            "revision": event.revision,
                        },
                        event.reason,
                    )
                ],
            )

        await self._store.write(work)
        updated = await self._store.get_golden(golden_id)
        if updated is None:  # pragma: no cover - golden records are never deleted
            raise NotFound(f"golden record {golden_id} does not exist")
        return updated

    def _event(
        self,
        view: GoldenView,
        attribute: str,
        action: OverrideAction,
        value: Any,
        note: StewardNote,
    ) -> OverrideEvent:
        return OverrideEvent(
            revision=next_revision(view.override_history),
            attribute=attribute,
            action=action,
            value=value,
            actor=note.actor,
            reason=note.reason,
            at=self._clock(),
        )


def _check_attribute(rules: EntityRules, attribute: str) -> None:
    if attribute not in rules.kinds:
        known = ", ".join(sorted(rules.kinds))
        raise InvalidInput(
            [
                Problem(
                    "attribute",
                    f"{attribute!r:.80} is not a {rules.entity_type} attribute; use one of {known}",
                )
            ]
        )


def _pinnable_value(rules: EntityRules, attribute: str, value: Any) -> Any:
    """The value as it will be stored, checked against the canonical attribute model."""
    _check_attribute(rules, attribute)
    if rules.rule_for(attribute).strategy is not Strategy.UNION:
        return _checked(rules, attribute, value, "value")
    # A union attribute's golden value is a list, so its pin is one too, in the same order.
    if not isinstance(value, list) or not 0 < len(value) <= MAX_PINNED_ELEMENTS:
        raise InvalidInput(
            [
                Problem(
                    "value",
                    f"{attribute!r} is multi-valued (union): give a list of 1 to "
                    f"{MAX_PINNED_ELEMENTS} values",
                )
            ]
        )
    elements = [_checked(rules, attribute, v, f"value[{i}]") for i, v in enumerate(value)]
    return [json.loads(text) for text in sorted({canonical_json(e) for e in elements})]


def _checked(rules: EntityRules, attribute: str, value: Any, field: str) -> Any:
    try:
        clean = validate_attributes(rules.entity_type, {attribute: value})
    except AttributeProblems as exc:
        prefix = f"attributes.{attribute}"
        raise InvalidInput(
            [Problem(field + p.field.removeprefix(prefix), p.reason) for p in exc.problems]
        ) from None
    if attribute not in clean:
        raise InvalidInput(
            [Problem(field, "must not be null; clearOverride hands the value back to its rule")]
        )
    return clean[attribute]

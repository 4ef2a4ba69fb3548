"""Recompute a golden record's attributes inside a write transaction, from its members, the
rules of its entity type and the steward pins in force. Every writer of golden values (ingest,
stewards, `mdm-hub recompute`) goes through here.

With code sets, members' coded values are read through the current mappings first, and the hash
a golden record carries covers the code sets of its entity type as well as its rules: a mapping
change marks it stale, and a recompute gives it the mapped value."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from mdm_hub.domain.audit import SYSTEM, AuditContext
from mdm_hub.domain.changes import ChangeEntry, ChangeKind, attribute_changes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.overrides import OverrideEvent, active_pins
from mdm_hub.domain.records import GoldenValues, GoldenView, SourceKey, StoredSource
from mdm_hub.domain.retirement import status_of
from mdm_hub.errors import NotFound
from mdm_hub.ports import StoreTransaction
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.survivorship.engine import compute_golden_attributes
from mdm_hub.survivorship.rules import RuleSet


class Refresh(StrEnum):
    """What recomputing a golden record found."""

    CURRENT = "current"  # same values, same rule set: nothing to write
    RESTAMPED = "restamped"  # same values and provenance, computed by a new rule set
    CHANGED = "changed"  # a value or its provenance changed


class GoldenRecomputer:
    def __init__(self, rules: RuleSet, codes: CodeSets | None = None) -> None:
        self._rules = rules
        self._codes = codes
        self._hashes: dict[EntityType, str] = {}

    @property
    def rules(self) -> RuleSet:
        return self._rules

    def hash_for(self, entity_type: EntityType) -> str:
        """What a golden record computed now carries: its rules' hash, folded with the hash of
        the code sets governing its attributes when there are any."""
        found = self._hashes.get(entity_type)
        if found is None:
            found = self._rules.for_type(entity_type).hash
            codes = self._codes.hash_for(entity_type) if self._codes is not None else None
            if codes is not None:
                found = hashlib.sha256(f"{found}+{codes}".encode()).hexdigest()
            self._hashes[entity_type] = found
        return found

    async def recompute(
        self,
        tx: StoreTransaction,
        golden_id: str,
        now: datetime,
        *,
        only_if_changed: bool,
        context: AuditContext = SYSTEM,
        source: SourceKey | None = None,
    ) -> Refresh:
        """Lock and recompute one golden record."""
        # Its current values are read too: the change event names the old ones.
        view = await tx.golden_for_update(golden_id)
        if view is None:
            raise NotFound(f"golden record {golden_id} does not exist")
        return await self.apply(
            tx, view, now, only_if_changed=only_if_changed, context=context, source=source
        )

    async def apply(
        self,
        tx: StoreTransaction,
        view: GoldenView,
        now: datetime,
        *,
        only_if_changed: bool,
        context: AuditContext = SYSTEM,
        source: SourceKey | None = None,
    ) -> Refresh:
        """Recompute from `view` (with its values), read under the golden record's lock in
        this transaction; values that changed are recorded as a change event by `context`,
        caused by `source` (the record an ingest or retirement wrote; None for a steward's
        action or a rules recompute).

        With `only_if_changed`, a CURRENT result writes nothing (a rules refresh); without it,
        the golden record's version moves anyway, since its members or pins changed, and the
        result is CHANGED.
        """
        golden = view.golden
        # A golden record whose members were all retired keeps the values they last gave it,
        # so a stored ID still shows what it stood for.
        members = view.members or tuple(retired.source for retired in view.retired)
        computed = self.compute(golden.entity_type, members, view.override_history)
        if not only_if_changed or computed.attributes != golden.attributes:
            refresh = Refresh.CHANGED
        elif computed.rule_set_hash != golden.rule_set_hash:
            refresh = Refresh.RESTAMPED
        else:
            refresh = Refresh.CURRENT
        if refresh is not Refresh.CURRENT:
            await tx.update_golden(golden.id, computed.attributes, now, computed.rule_set_hash)
            changed = attribute_changes(golden.attributes, computed.attributes)
            if changed:
                body = {"attributes": changed}
                entry = ChangeEntry(
                    ChangeKind.ATTRIBUTES_CHANGED, golden.id, body, now, context, source
                )
                await tx.append_changes([entry])
        status = status_of(len(view.members))
        if status is not golden.status:
            await tx.set_golden_status(golden.id, status)
        return refresh

    def compute(
        self,
        entity_type: EntityType,
        members: Sequence[StoredSource],
        override_history: Sequence[OverrideEvent] = (),
    ) -> GoldenValues:
        """The values the rules give these members and steward actions, with the hash of the
        rules (and code sets) that computed them."""
        rules = self._rules.for_type(entity_type)
        if self._codes is not None:
            members = self._codes.canonical_members(entity_type, members)
        attributes = compute_golden_attributes(members, rules, active_pins(override_history))
        return GoldenValues(attributes, self.hash_for(entity_type))

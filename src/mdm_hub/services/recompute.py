"""Roll out a rule change: recompute every golden record of an entity type under the current
rules. Paged by ID (never every record in memory), one transaction per golden record, so a
long run holds no lock for long and can be stopped and run again at any point."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mdm_hub.domain.audit import SYSTEM, Action, AuditContext, AuditEntry
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import utc_now
from mdm_hub.ports import Clock, Store, StoreTransaction
from mdm_hub.services.survivorship import GoldenRecomputer, Refresh, shipped_rules
from mdm_hub.survivorship.rules import RuleSet

PAGE_SIZE = 200


@dataclass(frozen=True)
class RecomputeReport:
    entity_type: EntityType
    rule_set_hash: str
    outcomes: Counter[Refresh]

    @property
    def recomputed(self) -> int:
        return self.outcomes.total()

    @property
    def changed(self) -> int:
        """Golden records with a value or its provenance changed."""
        return self.outcomes[Refresh.CHANGED]

    @property
    def restamped(self) -> int:
        """Golden records whose values stood, now marked with the current rule set's hash."""
        return self.outcomes[Refresh.RESTAMPED]


class RecomputeService:
    def __init__(
        self,
        store: Store,
        rules: RuleSet | None = None,
        clock: Clock = utc_now,
        page_size: int = PAGE_SIZE,
        audit: AuditContext = SYSTEM,
    ) -> None:
        self._audit = audit
        self._store = store
        self._golden = GoldenRecomputer(rules if rules is not None else shipped_rules())
        self._clock = clock
        self._page_size = page_size

    def rule_set_hash(self, entity_type: EntityType) -> str:
        return self._golden.rules.for_type(entity_type).hash

    async def count(self, entity_type: EntityType) -> int:
        return await self._store.count_goldens(entity_type)

    async def count_stale(self, entity_type: EntityType) -> int:
        """Golden records not computed by the current rules: what a recompute would refresh."""
        return await self._store.count_goldens(entity_type, self.rule_set_hash(entity_type))

    async def recompute(
        self, entity_type: EntityType, on_each: Callable[[Refresh], None] | None = None
    ) -> RecomputeReport:
        """Recompute every golden record of `entity_type`; `on_each(outcome)` after each."""
        outcomes: Counter[Refresh] = Counter()
        after = ""
        while page := await self._store.golden_ids(entity_type, after, self._page_size):
            for golden_id in page:
                outcome = await self._store.write(self._refresh(golden_id))
                outcomes[outcome] += 1
                if on_each is not None:
                    on_each(outcome)
            after = page[-1]
        return RecomputeReport(entity_type, self.rule_set_hash(entity_type), outcomes)

    def _refresh(self, golden_id: str) -> Callable[[StoreTransaction], Awaitable[Refresh]]:
        async def work(tx: StoreTransaction) -> Refresh:
            now = self._clock()
            outcome = await self._golden.recompute(tx, golden_id, now, only_if_changed=True)
            if outcome is not Refresh.CURRENT:
                view = await tx.golden_for_update(golden_id)
                entry = AuditEntry(
                    now,
                    self._audit,
                    Action.RECOMPUTE,
                    (golden_id,),
                    None,
                    {
                        "outcome": str(outcome),
                        "ruleSetHash": view.golden.rule_set_hash if view else None,
                        "version": view.golden.version if view else None,
                    },
                )
                await tx.append_audit([entry])
            return outcome

        return work

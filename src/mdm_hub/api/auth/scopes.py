"""Keys limited to some source systems: checked by the resolvers that take a system, and what
such a key may see of golden records (those holding a member of its systems, as the change
feed does)."""

from __future__ import annotations

from collections.abc import Iterable

from mdm_hub.domain.access import Principal
from mdm_hub.domain.records import GoldenView
from mdm_hub.errors import Forbidden


def require_systems(principal: Principal | None, field: str, systems: Iterable[str]) -> None:
    """Forbidden, naming the systems, unless the principal may act for every one of them."""
    if principal is None:
        return  # the Authorization extension has refused the operation already
    outside = sorted({s for s in systems if not principal.may_use_system(s)})
    if outside:
        raise Forbidden(
            f"{field}: {principal.name!r} may not act for system(s) {', '.join(outside)}"
        )


def may_see(systems: frozenset[str] | None, view: GoldenView) -> bool:
    """Whether a key limited to `systems` (None: not limited) sees this golden record: it
    holds a member, live or retired, from one of them."""
    if systems is None:
        return True
    members = (*view.members, *(retired.source for retired in view.retired))
    return any(member.key.system in systems for member in members)

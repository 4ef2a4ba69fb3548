"""Keys limited to some source systems: checked by the resolvers that take a system."""

from __future__ import annotations

from collections.abc import Iterable

from mdm_hub.domain.access import Principal
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

"""Why a request was refused at the edge, as errors the API classifies by their code."""

from __future__ import annotations

from typing import Any

from mdm_hub.errors import MdmError


class QueryTooCostly(MdmError):
    code = "QUERY_TOO_COSTLY"

    def __init__(self, cost: int, limit: int, operation: str = "query") -> None:
        self.cost = cost
        self.limit = limit
        super().__init__(
            f"{operation} cost {cost} exceeds the limit of {limit} (MDM_MAX_QUERY_COST): ask "
            "for smaller pages (`first`) or fewer nested lists"
        )

    def details(self) -> dict[str, Any]:
        return {"cost": self.cost, "limit": self.limit}


class QueryTimeout(MdmError):
    code = "QUERY_TIMEOUT"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"query stopped after {seconds:g} s (MDM_QUERY_TIMEOUT_SECONDS): ask for less"
        )

    def details(self) -> dict[str, Any]:
        return {"seconds": self.seconds}


class OperationNotChosen(MdmError):
    code = "GRAPHQL_VALIDATION_FAILED"

    def __init__(self, count: int) -> None:
        super().__init__(
            f"the document holds {count} operations: name the one to run with operationName"
        )

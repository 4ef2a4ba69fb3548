"""Each system's own words for coded values (status, billing method, rate unit, dimension kind),
and the canonical code each stands for. The hub's reference data must map these for the
landscape to load as the labelled records say."""

from __future__ import annotations

from mdm_hub.evaluation.landscape.world import Status

# (system, entity type, attribute) -> canonical code -> the system's own word
LOCAL_CODES: dict[tuple[str, str, str], dict[str, str]] = {
    ("workday", "EMPLOYEE", "status"): {
        Status.ACTIVE: "Active", Status.TERMINATED: "Terminated", Status.LEAVE: "On Leave",
    },
    ("adp", "EMPLOYEE", "status"): {
        Status.ACTIVE: "A", Status.TERMINATED: "T", Status.LEAVE: "L",
    },
    ("concur", "EMPLOYEE", "status"): {Status.ACTIVE: "Y", Status.TERMINATED: "N"},
    ("psa", "EMPLOYEE", "status"): {Status.ACTIVE: "active", Status.TERMINATED: "inactive"},
    ("psa", "CUSTOMER", "status"): {Status.ACTIVE: "active", Status.INACTIVE: "inactive"},
    ("psa", "PROJECT", "status"): {
        Status.PLANNED: "pipeline", Status.ACTIVE: "active", Status.ON_HOLD: "on hold",
        Status.CLOSED: "completed",
    },
    ("netsuite", "PROJECT", "status"): {
        Status.PLANNED: "Pending", Status.ACTIVE: "In Progress", Status.ON_HOLD: "On Hold",
        Status.CLOSED: "Closed",
    },
    ("psa", "PROJECT", "billing_method"): {
        "TIME_AND_MATERIALS": "T&M", "FIXED_FEE": "Fixed Price", "MILESTONE": "Milestone",
        "RETAINER": "Retainer",
    },
    # NetSuite has no retainer: firms book retainers as fixed bids billed by interval.
    ("netsuite", "PROJECT", "billing_method"): {
        "TIME_AND_MATERIALS": "Time and Materials", "FIXED_FEE": "Fixed Bid, Interval",
        "MILESTONE": "Fixed Bid, Milestone",
    },
    ("psa", "RATE_CARD", "unit"): {"HOUR": "Hourly", "DAY": "Daily"},
    ("netsuite", "RATE_CARD", "unit"): {"HOUR": "Hour", "DAY": "Day"},
    ("adp", "ACCOUNTING_DIMENSION", "kind"): {"COST_CENTER": "CC", "DEPARTMENT": "Dept"},
    ("adp", "ACCOUNTING_DIMENSION", "status"): {Status.ACTIVE: "A", Status.INACTIVE: "I"},
}  # fmt: skip


def local(system: str, entity_type: str, attribute: str, canonical: str) -> str:
    """The system's own word for a canonical code."""
    return LOCAL_CODES[system, entity_type, attribute][canonical]


def local_code_rows() -> list[tuple[str, str, str, str, str]]:
    """(system, entity type, attribute, the system's word, canonical code), for reference data."""
    return sorted(
        (system, entity_type, attribute, word, str(canonical))
        for (system, entity_type, attribute), words in LOCAL_CODES.items()
        for canonical, word in words.items()
    )

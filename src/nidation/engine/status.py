"""The three-valued statuses rules return, by kind, and how decisive each one is.

A missing value never becomes "normal": a rule that cannot decide returns ``not_assessed``
(or returns no row at all, and the engine fills ``not_assessed`` in).
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    CRITERION = "criterion"
    PREDICTION = "prediction"
    CAUSE = "cause"
    INVESTIGATION = "investigation"
    THERAPY = "therapy"
    SURVEILLANCE = "surveillance"


MET = "met"
NOT_MET = "not_met"
NOT_ASSESSED = "not_assessed"
SUPPORTED = "supported"
RULED_OUT = "ruled_out"
ESTIMATED = "estimated"

STATUSES: dict[Kind, tuple[str, ...]] = {
    Kind.CRITERION: (MET, NOT_MET, NOT_ASSESSED),
    Kind.PREDICTION: (ESTIMATED, NOT_ASSESSED),
    Kind.CAUSE: (SUPPORTED, RULED_OUT, NOT_ASSESSED),
    Kind.INVESTIGATION: (
        "due",
        "repeat_due",
        "done",
        "advised_against",
        "not_indicated",
        NOT_ASSESSED,
    ),
    Kind.THERAPY: (
        "contraindicated",
        "recommended",
        "consider",
        "research_only",
        "advised_against",
        "not_indicated",
        NOT_ASSESSED,
    ),
    Kind.SURVEILLANCE: ("flagged", "not_flagged", NOT_ASSESSED),
}

# Higher is more decisive. When a rule returns several rows for one patient the engine keeps
# the most decisive: a positive finding, then a negative one, then "not assessed".
DECISIVENESS: dict[str, int] = {
    MET: 3,
    SUPPORTED: 3,
    ESTIMATED: 3,
    "due": 3,
    "repeat_due": 3,
    "recommended": 3,
    "contraindicated": 3,
    "advised_against": 3,
    "consider": 3,
    "flagged": 3,
    "not_flagged": 2,
    "research_only": 3,
    "done": 2,
    NOT_MET: 2,
    RULED_OUT: 2,
    "not_indicated": 2,
    NOT_ASSESSED: 1,
}

#: Every status as a small integer (the compact cohort output stores these). Codes are
#: permanent: append new statuses, never reorder or reuse.
STATUS_CODES: dict[str, int] = {
    NOT_ASSESSED: 0,
    MET: 1,
    NOT_MET: 2,
    SUPPORTED: 3,
    RULED_OUT: 4,
    ESTIMATED: 5,
    "due": 6,
    "repeat_due": 7,
    "done": 8,
    "advised_against": 9,
    "not_indicated": 10,
    "recommended": 11,
    "consider": 12,
    "research_only": 13,
    "flagged": 14,
    "not_flagged": 15,
    "contraindicated": 16,
}

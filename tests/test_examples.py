"""The bundled examples give the conclusions a specialist expects (examples/README.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nidation.api import default_assessor
from nidation.io.case_file import read_case

EXAMPLES = Path(__file__).parents[1] / "examples"
TODAY = date(2026, 11, 21)

EXPECTED: dict[str, dict[str, str]] = {
    "rpl-only.yaml": {
        "RPL-DEF-001": "met",
        "RPL-DEF-002": "met",
        "RPL-DEF-003": "met",
        "RPL-DEF-005": "not_met",
        "RIF-DEF-001": "not_met",
        "EMB-CAUSE-001": "supported",
        "THY-CAUSE-001": "ruled_out",
        "UTE-CAUSE-001": "not_assessed",
        "RPL-DEF-006": "not_assessed",
    },
    "rif-only.yaml": {
        "RPL-DEF-001": "not_met",
        "RIF-DEF-001": "met",
        "RIF-DEF-002": "met",
        "RIF-DEF-003": "met",
        "RIF-DEF-004": "not_met",
        "TUB-CAUSE-001": "ruled_out",
        "UTE-CAUSE-001": "ruled_out",
    },
    "rpl-and-rif.yaml": {
        "RPL-DEF-001": "met",
        "RPL-DEF-002": "not_met",
        "RPL-DEF-003": "met",
        "RIF-DEF-001": "met",
    },
    "obstetric-aps.json": {
        "RPL-DEF-001": "met",
        "RPL-DEF-004": "met",
        "APS-LAB-001": "supported",
        "APS-CAUSE-001": "supported",
        "APS-CAUSE-002": "ruled_out",
        "SURV-APS-001": "flagged",
        "RPL-DEF-006": "not_met",
    },
    "septate-uterus.yaml": {
        "RPL-DEF-001": "met",
        "UTE-CAUSE-001": "supported",
        "SURV-UTE-001": "flagged",
        "APS-LAB-001": "ruled_out",
        "RPL-DEF-006": "not_met",
    },
    "hydrosalpinx.yaml": {
        "RIF-DEF-001": "met",
        "TUB-CAUSE-001": "supported",
        "RIF-DEF-005": "not_met",
    },
    "thyroid-autoimmunity.yaml": {
        "RPL-DEF-001": "met",
        "RPL-DEF-002": "not_met",
        "THY-CAUSE-002": "supported",
        "THY-CAUSE-001": "ruled_out",
        "RPL-DEF-006": "not_met",
    },
    "unexplained-complete-workup.json": {
        "RPL-DEF-001": "met",
        "APS-LAB-001": "ruled_out",
        "THY-CAUSE-001": "ruled_out",
        "THY-CAUSE-002": "ruled_out",
        "UTE-CAUSE-001": "ruled_out",
        "RPL-DEF-006": "met",
    },
    "donor-oocytes-rif.yaml": {
        "RIF-DEF-001": "met",
        "RIF-DEF-002": "not_met",
        "VITD-CAUSE-001": "supported",
    },
    "secondary-rpl-after-live-birth.yaml": {
        "RPL-DEF-001": "met",
        "RPL-DEF-005": "met",
        "RIF-DEF-001": "not_met",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_conclusions(name: str) -> None:
    assessor = default_assessor()
    case = read_case(EXAMPLES / name, knowledge=assessor.knowledge)
    assessment = assessor.assess(case, today=TODAY)
    got = {
        rule: next(o.status for o in assessment.outcomes(rule) if o.item is None)
        for rule in EXPECTED[name]
    }
    assert got == EXPECTED[name]


def test_every_example_is_covered() -> None:
    files = {p.name for p in [*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")]}
    assert files == set(EXPECTED)


def test_rpl_only_plan_orders_the_missing_tests() -> None:
    assessor = default_assessor()
    case = read_case(EXAMPLES / "rpl-only.yaml", knowledge=assessor.knowledge)
    plan = assessor.assess(case, today=TODAY).outcomes("INV-PLAN-001")
    due = {o.item for o in plan if o.status == "due"}
    assert {"uterine_imaging", "tpo_ab"} <= due
    assert not any(o.status == "due" and o.item == "nk_cells_peripheral" for o in plan)

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
    "aps-past-hit.yaml": {
        "RPL-DEF-001": "met",
        "APS-LAB-001": "supported",
        "APS-CAUSE-001": "supported",
        "RPL-DEF-006": "not_met",
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
    "thrombotic-aps-on-warfarin.yaml": {
        "RPL-DEF-001": "met",
        "APS-LAB-001": "supported",
        "APS-CAUSE-001": "supported",
        "APS-CAUSE-002": "not_assessed",
        "APS-THROMB-001": "flagged",
    },
    "second-trimester-loss-pregnant.yaml": {
        "RPL-DEF-001": "not_met",
        "RPL-DEF-004": "met",
        "OBS-DEF-001": "met",
        "OBS-DEF-002": "not_met",
        "OBS-DEF-003": "met",
        "OBS-DEF-004": "not_assessed",
        "SURV-CX-001": "flagged",
        "SURV-PRG-001": "flagged",
        "CARE-TIER-001": "met",
        "APS-LAB-001": "not_assessed",
        "APS-CAUSE-001": "not_assessed",
    },
}


#: The treatment protocol a specialist would draft for each example: (rule, therapy) → status.
PROTOCOL: dict[str, dict[tuple[str, str], str]] = {
    "aps-past-hit.yaml": {
        # A resolved HIT still contraindicates heparin (its history counts): demoted in the
        # plan and the request; aspirin stays recommended and, with none-known statements,
        # its safety checks are decided.
        ("TX-PLAN-001", "lmwh"): "contraindicated",
        ("TX-REQ-001", "lmwh"): "contraindicated",
        ("TX-SAFE-001", "lmwh"): "flagged",
        ("TX-PLAN-001", "low_dose_aspirin"): "recommended",
        ("TX-REQ-001", "low_dose_aspirin"): "recommended",
        ("TX-SAFE-001", "low_dose_aspirin"): "not_flagged",
    },
    "obstetric-aps.json": {
        ("TX-PLAN-001", "lmwh"): "recommended",
        ("TX-PLAN-001", "low_dose_aspirin"): "recommended",
        ("TX-PLAN-001", "intralipid"): "advised_against",
        ("TX-PLAN-001", "psychological_support"): "recommended",
        ("TX-SAFE-001", "lmwh"): "not_assessed",
    },
    "unexplained-complete-workup.json": {
        ("TX-PLAN-001", "lmwh"): "advised_against",
        ("TX-PLAN-001", "low_dose_aspirin"): "advised_against",
        ("TX-PLAN-001", "prednisolone"): "advised_against",
        ("TX-PLAN-001", "hydroxychloroquine"): "research_only",
        ("TX-PLAN-001", "psychological_support"): "recommended",
        ("TX-PLAN-001", "lifestyle"): "recommended",
    },
    "septate-uterus.yaml": {("TX-PLAN-001", "septum_resection"): "recommended"},
    "hydrosalpinx.yaml": {
        ("TX-PLAN-001", "salpingectomy_or_occlusion"): "recommended",
        ("TX-PLAN-001", "endometrial_scratching"): "advised_against",
    },
    "thyroid-autoimmunity.yaml": {("TX-PLAN-001", "levothyroxine"): "consider"},
    "rif-only.yaml": {
        ("TX-PLAN-001", "intralipid"): "advised_against",
        ("TX-PLAN-001", "g_csf"): "advised_against",
        ("TX-PLAN-001", "prp"): "research_only",
    },
    "rpl-only.yaml": {
        ("TX-PLAN-001", "lmwh"): "not_assessed",
        ("TX-PLAN-001", "prednisolone"): "advised_against",
    },
    "secondary-rpl-after-live-birth.yaml": {
        ("TX-PLAN-001", "progesterone"): "recommended",
        ("TX-REQ-001", "progesterone"): "recommended",
        # Advised against, and contraindicated for her (egg allergy): the contraindication wins.
        ("TX-REQ-001", "intralipid"): "contraindicated",
        ("TX-REQ-001", "prednisolone"): "advised_against",
        ("TX-SAFE-001", "intralipid"): "flagged",
    },
    "thrombotic-aps-on-warfarin.yaml": {
        ("MED-PREG-001", "warfarin"): "flagged",
        ("MED-PREG-001", "hydroxychloroquine"): "not_flagged",
        ("TX-SAFE-001", "low_dose_aspirin"): "flagged",
        ("TX-SAFE-001", "lmwh"): "flagged",
        ("TX-REQ-001", "lmwh"): "recommended",
    },
    "second-trimester-loss-pregnant.yaml": {
        # the cervix decides: not yet scanned (surveillance from 14 weeks is flagged)
        ("TX-PLAN-001", "cervical_cerclage"): "not_assessed",
        ("TX-PLAN-001", "progesterone_preterm_prevention"): "consider",
        # a fetal death >= 10 weeks is a Sydney criterion: waits for the LA repeat, never
        # "not indicated"
        ("TX-PLAN-001", "lmwh"): "not_assessed",
        ("TX-PLAN-001", "low_dose_aspirin"): "not_assessed",
        ("INV-PLAN-001", "lupus_anticoagulant"): "repeat_due",
    },
}


@pytest.mark.parametrize("name", sorted(PROTOCOL))
def test_example_protocols(name: str) -> None:
    assessor = default_assessor()
    case = read_case(EXAMPLES / name, knowledge=assessor.knowledge)
    assessment = assessor.assess(case, today=TODAY)
    got = {
        (rule, item): next((o.status for o in assessment.outcomes(rule) if o.item == item), None)
        for rule, item in PROTOCOL[name]
    }
    assert got == PROTOCOL[name]


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


def test_thrombotic_aps_on_warfarin_names_what_to_change() -> None:
    """Warfarin is switched to LMWH by a gestational week; the LA taken on warfarin is named as
    not assessable; aspirin on warfarin is a bleeding interaction."""
    assessor = default_assessor()
    case = read_case(EXAMPLES / "thrombotic-aps-on-warfarin.yaml", knowledge=assessor.knowledge)
    assessment = assessor.assess(case, today=TODAY)
    warfarin = next(o for o in assessment.outcomes("MED-PREG-001") if o.item == "warfarin")
    assert warfarin.evidence["action"] == "switch_by_week"
    assert warfarin.evidence["by_week"] == 6
    assert "low-molecular-weight heparin" in warfarin.because
    lab = assessment.outcome("APS-LAB-001")
    unreliable = str(lab.evidence["unreliable_results"])
    assert unreliable.startswith(
        "lupus anticoagulant 2024-06-10 on warfarin, 2024-09-23 on warfarin"
    )
    aspirin = next(o for o in assessment.outcomes("TX-SAFE-001") if o.item == "low_dose_aspirin")
    assert "warfarin" in str(aspirin.evidence["flags"])


def test_rpl_only_plan_orders_the_missing_tests() -> None:
    assessor = default_assessor()
    case = read_case(EXAMPLES / "rpl-only.yaml", knowledge=assessor.knowledge)
    plan = assessor.assess(case, today=TODAY).outcomes("INV-PLAN-001")
    due = {o.item for o in plan if o.status == "due"}
    assert {"uterine_imaging", "tpo_ab"} <= due
    assert not any(o.status == "due" and o.item == "nk_cells_peripheral" for o in plan)

"""A threshold's comparison ``operator`` in the knowledge base is honoured by the rules.

Every golden case that sits exactly *at* a threshold is run again with that threshold's
operator flipped between strict and non-strict (``>=`` ↔ ``>``, ``<=`` ↔ ``<``): its status
must change. A rule that compares with a hard-coded operator would keep its answer, and a
clinic that edits the operator in an overlay would be silently ignored."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from nidation.api import Assessor
from nidation.knowledge import Knowledge, load_knowledge
from tests.rules.golden import TODAY, GoldenCase, load_golden_cases

FLIP = {">=": ">", ">": ">=", "<=": "<", "<": "<="}

#: Found by this test when it was written (issue 11): these rules compare with a hard-coded
#: operator. The list may only shrink — fix a rule (compare with the threshold's own operator,
#: ``engine.vocabulary.compare``) and remove its line; a new entry fails the test.
KNOWN_IGNORED = frozenset(
    {
        "APS-CAUSE-001 aps.sydney_max_years_test_to_event",
        "APS-CAUSE-001 aps.sydney_min_consecutive_early_losses",
        "APS-CAUSE-001 aps.sydney_min_weeks_test_to_event",
        "APS-CAUSE-002 aps.acr_eular_min_consecutive_early_losses",
        "APS-CAUSE-002 aps.acr_eular_pec_pi_max_weeks",
        "APS-CAUSE-002 pregnancy.early_fetal_death_max_weeks",
        "APS-CAUSE-002 pregnancy.mid_fetal_death_max_weeks",
        "INV-PLAN-001 rpl.eshre_min_losses",
        "INV-PLAN-001 rpl.rcog_min_second_trimester_losses",
        "INV-PLAN-002 rif.eshre_cumulative_threshold_fraction",
        "INV-PLAN-003 rpl.rcog_min_second_trimester_losses",
        "INV-PLAN-003 workup.rcog_poc_min_miscarriage_number",
        "MET-CAUSE-001 diabetes.prediabetes_hba1c_min_pct",
        "MET-CAUSE-002 bmi.obese_min_kg_m2",
        "PRED-RIF-001 rif.eshre_cumulative_threshold_fraction",
        "RIF-DEF-001 rif.eshre_cumulative_threshold_fraction",
        "RIF-DEF-001 rif.eshre_min_transfers",
        "RIF-DEF-002 rif.coughlan_max_age_years",
        "RIF-DEF-005 rif.eshre_cumulative_threshold_fraction",
        "RPL-DEF-001 rpl.eshre_min_losses",
        "RPL-DEF-001 rpl.upper_gestation_weeks",
        "RPL-DEF-002 pregnancy.first_trimester_max_weeks",
        "RPL-DEF-002 rpl.rcog_min_first_trimester_miscarriages",
        "RPL-DEF-003 pregnancy.us_miscarriage_max_weeks",
        "RPL-DEF-003 rpl.asrm_min_clinical_losses",
        "RPL-DEF-004 pregnancy.first_trimester_max_weeks",
        "RPL-DEF-004 rpl.rcog_min_second_trimester_losses",
        "RPL-DEF-004 rpl.upper_gestation_weeks",
        "RPL-DEF-005 pregnancy.viability_weeks",
        "RPL-DEF-005 rpl.eshre_min_losses",
        "RPL-DEF-006 rpl.eshre_min_losses",
        "THR-CAUSE-001 rpl.rcog_min_second_trimester_losses",
        "THY-CAUSE-001 thyroid.tpo_ab_positive_min_iu_per_ml",
        "THY-CAUSE-001 thyroid.tsh_lt4_recommended_miu_per_l",
        "THY-CAUSE-001 thyroid.tsh_tpo_positive_consider_lt4_miu_per_l",
        "TX-SAFE-001 lmwh.crcl_exclusion_below_ml_min",
        "TX-SAFE-001 lmwh.platelets_min_10e9_per_l",
        "TX-SAFE-001 metformin.egfr_contraindicated_below_ml_min_173m2",
        "TX-SAFE-001 metformin.egfr_start_not_recommended_below_ml_min_173m2",
        "TX-SAFE-001 metformin.pregmet2_alt_exclusion_iu_per_l",
        "TX-SAFE-001 metformin.pregmet2_creatinine_exclusion_umol_per_l",
        "VITD-CAUSE-001 vitamin_d.endocrine_society_sufficient_min_ng_per_ml",
        "VITD-CAUSE-001 vitamin_d.iom_deficient_below_ng_per_ml",
    }
)


def _fixed_operators(kb: Knowledge) -> set[str]:
    """Thresholds whose operator the knowledge base itself pins (a repeat threshold of the
    work-up catalogue must compare with ``>=``; another operator is refused at load)."""
    rows = kb.tables["investigations"].to_arrow().to_pylist()
    return {str(r["repeat_threshold"]) for r in rows if r.get("repeat_threshold")}


def _at_cases(kb: Knowledge) -> list[GoldenCase]:
    fixed = _fixed_operators(kb)
    return [
        c
        for c in load_golden_cases()
        if c.side == "at"
        and c.threshold in kb.thresholds
        and c.threshold not in fixed
        and kb.thresholds[c.threshold].operator in FLIP
    ]


def _flipped(kb: Knowledge, keys: set[str]) -> Knowledge:
    thresholds = dict(kb.thresholds)
    for key in keys:
        t = thresholds[key]
        thresholds[key] = t.model_copy(update={"operator": FLIP[str(t.operator)]})
    return dataclasses.replace(kb, thresholds=MappingProxyType(thresholds))


def _status(assessor: Assessor, case: GoldenCase) -> str:
    a = assessor.assess(case.case(assessor.knowledge), today=TODAY)
    rows = [o for o in a.outcomes(case.rule_id) if o.item == case.item]
    return rows[0].status


@pytest.fixture(scope="module")
def flipped() -> tuple[list[GoldenCase], Assessor]:
    kb = load_knowledge()
    cases = _at_cases(kb)
    return cases, Assessor(_flipped(kb, {str(c.threshold) for c in cases}))


def test_there_are_cases_at_thresholds_with_operators(
    flipped: tuple[list[GoldenCase], Assessor],
) -> None:
    assert len(flipped[0]) >= 10


def test_flipping_a_thresholds_operator_changes_the_case_at_the_threshold(
    flipped: tuple[list[GoldenCase], Assessor],
) -> None:
    cases, assessor = flipped
    ignored = sorted(
        {f"{c.rule_id} {c.threshold}" for c in cases if _status(assessor, c) == c.status}
    )
    new = sorted(set(ignored) - KNOWN_IGNORED)
    fixed = sorted(KNOWN_IGNORED - set(ignored))
    assert not new, f"the operator of these thresholds changes nothing: {new}"
    assert not fixed, f"these now honour their operator: remove them from KNOWN_IGNORED: {fixed}"

"""Every rule's golden cases: alone, as one cohort, and (marker ``spark``) on Spark."""

from __future__ import annotations

import math
from typing import Any

import pytest

from nidation.api import Assessor
from nidation.engine.result import Assessment
from nidation.knowledge import load_knowledge
from tests.rules.golden import TODAY, GoldenCase, load_golden_cases

CASES = load_golden_cases()


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor(load_knowledge())


def _check(case: GoldenCase, assessment: Assessment) -> None:
    rows = assessment.outcomes(case.rule_id)
    if case.item is None:
        outcome = next((o for o in rows if o.item is None), rows[0])
    else:
        matching = [o for o in rows if o.item == case.item]
        assert matching, f"{case.name}: no row for item {case.item!r} in {case.rule_id}"
        outcome = matching[0]
    assert outcome.status == case.status, (
        f"{case.file.name} {case.name}: expected {case.status}, got {outcome.status} "
        f"({outcome.because}); why the case expects it: {case.why}"
    )
    for key, expected in case.evidence.items():
        got: Any = outcome.evidence.get(key)
        if isinstance(expected, float) and got is not None:
            assert math.isclose(float(got), expected, abs_tol=5e-4), (case.name, key, got)
        else:
            assert got == expected, f"{case.name}: evidence {key} = {got!r}, expected {expected!r}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule_id}:{c.name}" for c in CASES])
def test_golden_case_alone(case: GoldenCase, assessor: Assessor) -> None:
    kb = assessor.knowledge
    _check(case, assessor.assess(case.case(kb), today=TODAY))


def test_golden_cases_as_one_cohort_equal_single_runs(assessor: Assessor) -> None:
    kb = assessor.knowledge
    cases = [c.case(kb) for c in CASES]
    together = assessor.assess_many(cases, today=TODAY)
    assert len(together) == len(CASES)
    for golden, cohort_result in zip(CASES, together, strict=True):
        alone = assessor.assess(golden.case(kb), today=TODAY)
        if cohort_result != alone:
            difference = _first_difference(alone, cohort_result)
            pytest.fail(f"{golden.name}: cohort and single run differ: {difference}")
        _check(golden, cohort_result)


def _first_difference(a: Assessment, b: Assessment) -> str:
    """The first outcome that differs, in a few words (a full diff of two assessments is huge
    and slow to render)."""
    for x, y in zip(a.trace, b.trace, strict=False):
        if x != y:
            fields = [k for k in x.model_fields if getattr(x, k) != getattr(y, k)]
            return f"{x.rule_id} {x.item or ''} differs in {fields}: {x.because!r} vs {y.because!r}"
    return "views or metadata differ"


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 20

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


#: Runs of up to this many patients take the path a single request takes (the Python
#: evaluator); the golden cases run through it in batches.
BATCH = 16


@pytest.fixture(scope="module")
def small_runs(assessor: Assessor) -> list[Assessment]:
    """Every golden case through the single-request (Python evaluator) path, in batches."""
    assert assessor.runner.python_max_patients >= BATCH
    kb = assessor.knowledge
    out: list[Assessment] = []
    for start in range(0, len(CASES), BATCH):
        chunk = [c.case(kb) for c in CASES[start : start + BATCH]]
        out += assessor.assess_many(chunk, today=TODAY)
    return out


@pytest.fixture(scope="module")
def cohort_run(assessor: Assessor) -> list[Assessment]:
    """Every golden case in one cohort run (DuckDB, the path cohorts take)."""
    assert len(CASES) > assessor.runner.python_max_patients
    kb = assessor.knowledge
    return assessor.assess_many([c.case(kb) for c in CASES], today=TODAY)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c.rule_id}:{c.name}" for c in CASES])
def test_golden_case(index: int, small_runs: list[Assessment]) -> None:
    _check(CASES[index], small_runs[index])


def test_golden_cases_as_one_cohort_equal_the_single_request_path(
    small_runs: list[Assessment], cohort_run: list[Assessment]
) -> None:
    assert [a.patient_id for a in cohort_run] == [c.patient_id for c in CASES]
    for golden, alone, in_cohort in zip(CASES, small_runs, cohort_run, strict=True):
        if in_cohort != alone:
            difference = _first_difference(alone, in_cohort)
            pytest.fail(f"{golden.name}: cohort and single run differ: {difference}")


def test_a_case_alone_equals_its_batch(assessor: Assessor, small_runs: list[Assessment]) -> None:
    """The first case of every rule area, assessed truly alone, equals its batched result."""
    kb = assessor.knowledge
    firsts = {c.file.parent: i for i, c in reversed(list(enumerate(CASES)))}
    for index in sorted(firsts.values()):
        alone = assessor.assess(CASES[index].case(kb), today=TODAY)
        if alone != small_runs[index]:
            difference = _first_difference(alone, small_runs[index])
            pytest.fail(f"{CASES[index].name}: alone and in a batch differ: {difference}")


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

"""Property: a cohort run is exactly the union of single-patient runs (one kernel)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nidation.api import Assessor, default_assessor
from nidation.domain import parse_case
from nidation.knowledge import load_knowledge
from tests.conftest import TODAY
from tests.strategies import valid_cases

CTX = load_knowledge().validation_context(today=TODAY)


@st.composite
def cohorts(draw: st.DrawFn) -> list[dict[str, Any]]:
    docs = draw(st.lists(valid_cases(CTX), min_size=2, max_size=4))
    for i, doc in enumerate(docs):
        doc["patient"]["id"] = f"P{i}"
    return docs


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_cohort_run_equals_single_runs(docs: list[dict[str, Any]]) -> None:
    assessor: Assessor = default_assessor()
    cases = [parse_case(d, context=CTX) for d in docs]
    together = assessor.assess_many(cases, today=TODAY)
    assert [a.patient_id for a in together] == [c.patient.id for c in cases]
    for case, in_cohort in zip(cases, together, strict=True):
        assert assessor.assess(case, today=TODAY) == in_cohort

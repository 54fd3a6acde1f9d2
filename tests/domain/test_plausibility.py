"""Plausibility limits, on both sides of each, read from the real knowledge base."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from nidation.domain import ValidationContext
from nidation.knowledge import Knowledge
from tests.domain.cases import Doc, accept, case, ivf, refuse, refused_at, transfer

Build = Callable[[Any], Doc]


def _finding(field: str) -> Build:
    return lambda v: case(findings=[{"kind": "polyp", "present": True, field: v}])


# (plausibility key, whole numbers?, document with the value, field path of the value)
FIELDS: list[tuple[str, bool, Build, str]] = [
    (
        "plausibility.age_years",
        False,
        lambda v: case(patient={"id": "P", "age_years": v}),
        "patient.age_years",
    ),
    (
        "plausibility.height_cm",
        False,
        lambda v: case(patient={"id": "P", "height_cm": v}),
        "patient.height_cm",
    ),
    (
        "plausibility.weight_kg",
        False,
        lambda v: case(patient={"id": "P", "weight_kg": v}),
        "patient.weight_kg",
    ),
    (
        "plausibility.bmi_kg_m2",
        False,
        lambda v: case(patient={"id": "P", "bmi_kg_m2": v}),
        "patient.bmi_kg_m2",
    ),
    (
        "plausibility.cigarettes_per_day",
        False,
        lambda v: case(patient={"id": "P", "smoking": "current", "cigarettes_per_day": v}),
        "patient.cigarettes_per_day",
    ),
    (
        "plausibility.alcohol_units_per_week",
        False,
        lambda v: case(patient={"id": "P", "alcohol_units_per_week": v}),
        "patient.alcohol_units_per_week",
    ),
    (
        "plausibility.caffeine_mg_per_day",
        False,
        lambda v: case(patient={"id": "P", "caffeine_mg_per_day": v}),
        "patient.caffeine_mg_per_day",
    ),
    (
        "plausibility.partner_age_years",
        False,
        lambda v: case(partner={"age_years": v}),
        "partner.age_years",
    ),
    (
        "plausibility.sperm_dna_fragmentation_pct",
        False,
        lambda v: case(partner={"sperm_dna_fragmentation_pct": v}),
        "partner.sperm_dna_fragmentation_pct",
    ),
    (
        "plausibility.gestation_weeks",
        True,
        lambda v: case(
            pregnancies=[{"id": "g1", "outcome": "ongoing", "gestational_age_weeks": v}]
        ),
        "pregnancies[0].gestational_age_weeks",
    ),
    (
        "plausibility.age_years",
        False,
        lambda v: case(
            pregnancies=[{"id": "g1", "outcome": "miscarriage", "maternal_age_years": v}]
        ),
        "pregnancies[0].maternal_age_years",
    ),
    (
        "plausibility.age_years",
        False,
        lambda v: case(cycles=[{"id": "c1", "age_at_retrieval_years": v}]),
        "cycles[0].age_at_retrieval_years",
    ),
    (
        "plausibility.donor_age_years",
        False,
        lambda v: case(cycles=[{"id": "c1", "oocyte_source": "donor", "donor_age_years": v}]),
        "cycles[0].donor_age_years",
    ),
    (
        "plausibility.oocytes_retrieved",
        True,
        lambda v: case(cycles=[{"id": "c1", "oocytes_retrieved": v}]),
        "cycles[0].oocytes_retrieved",
    ),
    (
        "plausibility.embryo_day",
        True,
        lambda v: case(
            cycles=[{"id": "c1", "embryos": [{"id": "e1", "stage": "blastocyst", "day": v}]}]
        ),
        "cycles[0].embryos[0].day",
    ),
    (
        "plausibility.endometrial_thickness_mm",
        False,
        lambda v: ivf(transfers=[transfer(endometrial_thickness_mm=v, outcome="negative_hcg")]),
        "transfers[0].endometrial_thickness_mm",
    ),
    ("plausibility.lesion_size_mm", False, _finding("size_mm"), "findings[0].size_mm"),
    ("plausibility.cd138_cells", False, _finding("cd138_count"), "findings[0].cd138_count"),
    (
        "plausibility.endometrial_thickness_mm",
        False,
        _finding("endometrial_thickness_mm"),
        "findings[0].endometrial_thickness_mm",
    ),
    (
        "plausibility.lactobacillus_pct",
        False,
        _finding("lactobacillus_pct"),
        "findings[0].lactobacillus_pct",
    ),
]


def _step(integer: bool) -> float:
    return 1 if integer else 0.01


@pytest.mark.parametrize(("key", "integer", "build", "path"), FIELDS, ids=[f[3] for f in FIELDS])
def test_values_at_the_limits_are_accepted(
    kb: Knowledge, ctx: ValidationContext, key: str, integer: bool, build: Build, path: str
) -> None:
    limit = kb.plausibility[key]
    assert limit.min is not None or limit.max is not None, f"{key} has no bound"
    for bound in (limit.min, limit.max):
        if bound is not None:
            accept(build(int(bound) if integer else bound), ctx)


@pytest.mark.parametrize(("key", "integer", "build", "path"), FIELDS, ids=[f[3] for f in FIELDS])
def test_values_beyond_the_limits_are_refused_naming_field_and_key(
    kb: Knowledge, ctx: ValidationContext, key: str, integer: bool, build: Build, path: str
) -> None:
    limit = kb.plausibility[key]
    if limit.min is not None:
        problem = refused_at(build(limit.min - _step(integer)), ctx, path)
        assert f"the plausible minimum ({key})" in problem.why
        assert f"{limit.min:g}" in problem.why
        assert problem.action == "Check the value or its unit"
    if limit.max is not None:
        problem = refused_at(build(limit.max + _step(integer)), ctx, path)
        assert f"the plausible maximum ({key})" in problem.why
        assert f"{limit.max:g}" in problem.why


def test_the_message_follows_the_house_format(kb: Knowledge, ctx: ValidationContext) -> None:
    high = kb.plausibility["plausibility.gestation_weeks"].max
    assert high is not None
    doc = case(
        pregnancies=[{"id": "g1", "outcome": "ongoing", "gestational_age_weeks": int(high) + 15}]
    )
    problem = refused_at(doc, ctx, "pregnancies[0].gestational_age_weeks")
    assert str(problem) == (
        f"pregnancies[0].gestational_age_weeks: {int(high) + 15} — above {high:g} weeks, the "
        "plausible maximum (plausibility.gestation_weeks). Check the value or its unit."
    )


def _born(age: float) -> Doc:
    as_of = date(2026, 1, 1)
    birth = as_of - timedelta(days=round(age * 365.25))
    return case(as_of=as_of.isoformat(), patient={"id": "P", "birth_date": birth.isoformat()})


def test_age_from_the_date_of_birth_is_checked_on_both_sides(
    kb: Knowledge, ctx: ValidationContext
) -> None:
    limit = kb.plausibility["plausibility.age_years"]
    assert limit.min is not None and limit.max is not None
    accept(_born(limit.min + 0.05), ctx)
    accept(_born(limit.max - 0.05), ctx)
    for age in (limit.min - 0.05, limit.max + 0.05):
        problem = refused_at(_born(age), ctx, "patient.birth_date")
        assert "(plausibility.age_years)" in problem.why


@pytest.mark.parametrize(
    ("outcome", "key"),
    [
        ("live_birth", "plausibility.live_birth_min_weeks"),
        ("stillbirth", "plausibility.stillbirth_min_weeks"),
    ],
)
def test_births_have_a_minimum_gestation(
    kb: Knowledge, ctx: ValidationContext, outcome: str, key: str
) -> None:
    low = kb.plausibility[key].min
    assert low is not None

    def doc(weeks: int) -> Doc:
        return case(pregnancies=[{"id": "g1", "outcome": outcome, "gestational_age_weeks": weeks}])

    accept(doc(int(low)), ctx)
    problem = refused_at(doc(int(low) - 1), ctx, "pregnancies[0].gestational_age_weeks")
    assert f"({key})" in problem.why
    assert "record the outcome as a miscarriage" in problem.action


def test_embryos_per_transfer_has_a_maximum(kb: Knowledge, ctx: ValidationContext) -> None:
    high = kb.plausibility["plausibility.embryos_per_transfer"].max
    assert high is not None
    n = int(high)
    cycle = {"id": "c1", "embryos": [{"id": f"e{i}", "stage": "cleavage"} for i in range(n + 1)]}
    ids = [f"e{i}" for i in range(n + 1)]

    def doc(k: int) -> Doc:
        return case(cycles=[cycle], transfers=[transfer(embryo_ids=ids[:k], kind="frozen")])

    accept(doc(n), ctx)
    problem = refused_at(doc(n + 1), ctx, "transfers[0].embryo_ids")
    assert "(plausibility.embryos_per_transfer)" in problem.why


def test_a_fresh_transfer_is_at_most_the_last_embryo_day_after_retrieval(
    kb: Knowledge,
    ctx: ValidationContext,
) -> None:
    high = kb.plausibility["plausibility.embryo_day"].max
    assert high is not None
    retrieval = date(2024, 2, 1)

    def doc(gap: int) -> Doc:
        when = (retrieval + timedelta(days=gap)).isoformat()
        return ivf(transfers=[transfer(date=when)])

    accept(doc(int(high)), ctx)
    problem = refused_at(doc(int(high) + 1), ctx, "transfers[0].kind")
    assert f"more than {high:g}, plausibility.embryo_day" in problem.why


@pytest.mark.parametrize(
    ("field", "key", "make"),
    [
        (
            "pregnancies",
            "plausibility.pregnancies_count",
            lambda i: {"id": f"g{i}", "outcome": "miscarriage"},
        ),
        ("cycles", "plausibility.cycles_count", lambda i: {"id": f"c{i}"}),
        (
            "labs",
            "plausibility.lab_results_count",
            lambda i: {"test": "tsh", "qualitative": "negative", "date": "2024-01-01"},
        ),
    ],
)
def test_record_counts_have_a_maximum(
    kb: Knowledge, ctx: ValidationContext, field: str, key: str, make: Callable[[int], Doc]
) -> None:
    high = kb.plausibility[key].max
    assert high is not None
    n = int(high)
    accept(case(**{field: [make(i) for i in range(n)]}), ctx)
    problem = refused_at(case(**{field: [make(i) for i in range(n + 1)]}), ctx, field)
    assert f"({key})" in problem.why


def test_transfer_count_has_a_maximum(kb: Knowledge, ctx: ValidationContext) -> None:
    n = int(kb.plausibility["plausibility.transfers_count"].max or 0)
    embryos = [{"id": f"e{i}", "stage": "blastocyst"} for i in range(n + 1)]

    def doc(k: int) -> Doc:
        transfers = [transfer(id=f"t{i}", embryo_ids=[f"e{i}"], kind="frozen") for i in range(k)]
        return case(cycles=[{"id": "c1", "embryos": embryos}], transfers=transfers)

    accept(doc(n), ctx)
    problem = refused_at(doc(n + 1), ctx, "transfers")
    assert "(plausibility.transfers_count)" in problem.why


def test_bmi_must_agree_with_weight_and_height_within_the_tolerance(
    kb: Knowledge, ctx: ValidationContext
) -> None:
    tolerance = kb.plausibility["plausibility.bmi_tolerance_kg_m2"].max
    assert tolerance is not None
    computed = 64 / 1.6**2  # 25.0

    def doc(bmi: float) -> Doc:
        return case(patient={"id": "P", "height_cm": 160, "weight_kg": 64, "bmi_kg_m2": bmi})

    accept(doc(computed + tolerance - 0.01), ctx)
    accept(doc(computed - tolerance + 0.01), ctx)
    for bmi in (computed + tolerance + 0.05, computed - tolerance - 0.05):
        problem = refused_at(doc(bmi), ctx, "patient.bmi_kg_m2")
        assert "(tolerance" in problem.why


def test_every_numeric_lab_is_checked_on_both_sides_in_its_canonical_unit(
    ctx: ValidationContext,
) -> None:
    checked = 0
    for test in ctx.labs.known_tests():
        limit = ctx.labs.plausible(test)
        if ctx.labs.is_qualitative_only(test) or limit is None:
            continue

        def doc(value: float, test: str = test, unit: str = limit.unit) -> Doc:
            return case(labs=[{"test": test, "value": value, "unit": unit, "date": "2024-01-10"}])

        for bound, step in ((limit.min, -1.0), (limit.max, 1.0)):
            if bound is None:
                continue
            accept(doc(bound), ctx)
            beyond = bound + step * max(abs(bound) * 0.01, 0.01)
            problem = refused_at(doc(beyond), ctx, "labs[0].value")
            assert "outside the plausible range" in problem.why, str(problem)
            checked += 1
    assert checked >= 10


def test_a_qualitative_only_test_refuses_a_number(ctx: ValidationContext) -> None:
    tests = [t for t in ctx.labs.known_tests() if ctx.labs.is_qualitative_only(t)]
    assert tests
    problems = refuse(case(labs=[{"test": tests[0], "value": 1.0, "date": "2024-01-10"}]), ctx)
    assert [p.path for p in problems] == ["labs[0].value"]
    assert "not as a number" in problems[0].why


def test_validation_uses_the_knowledge_base_limits(kb: Knowledge, ctx: ValidationContext) -> None:
    assert set(ctx.limits) == set(kb.plausibility)
    for key, limit in ctx.limits.items():
        assert limit == kb.plausibility[key].as_limit()

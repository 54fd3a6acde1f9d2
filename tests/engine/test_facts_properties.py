"""Property tests: every valid case survives case → tables (→ Parquet) → case unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import valid_cases

from nidation.domain import Case, ValidationContext, parse_case
from nidation.engine.facts import (
    SCHEMAS,
    case_to_tables,
    cases_to_tables,
    read_parquet,
    tables_to_cases,
    validate_tables,
    write_parquet,
)
from nidation.knowledge import Knowledge

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def draw_case(data: st.DataObject, ctx: ValidationContext, pid: str | None = None) -> Case:
    doc = data.draw(valid_cases(ctx))
    if pid is not None:
        doc["patient"]["id"] = pid
    return parse_case(doc, context=ctx)


@PROPERTY
@given(data=st.data())
def test_valid_cases_round_trip_through_tables(
    ctx: ValidationContext, kb: Knowledge, data: st.DataObject
) -> None:
    case = draw_case(data, ctx)
    tables = case_to_tables(case, knowledge=kb)
    assert validate_tables(tables) == []
    assert tables_to_cases(tables) == [case]
    assert tables_to_cases(tables, context=ctx) == [case]
    labs = tables["labs"]
    numeric = [v is not None for v in labs["value"].to_pylist()]
    assert [v is not None for v in labs["value_canonical"].to_pylist()] == numeric


@settings(PROPERTY, max_examples=40)
@given(data=st.data())
def test_valid_cases_round_trip_through_parquet(
    ctx: ValidationContext, kb: Knowledge, data: st.DataObject
) -> None:
    case = draw_case(data, ctx)
    tables = case_to_tables(case, knowledge=kb)
    with tempfile.TemporaryDirectory() as directory:
        write_parquet(tables, Path(directory))
        back = read_parquet(Path(directory))
    for name, table in tables.items():
        assert back[name].equals(table), name
    assert tables_to_cases(back, context=ctx) == [case]


@settings(PROPERTY, max_examples=40)
@given(data=st.data(), n=st.integers(min_value=0, max_value=4))
def test_a_cohort_is_the_union_of_its_cases(
    ctx: ValidationContext, kb: Knowledge, data: st.DataObject, n: int
) -> None:
    cases = [draw_case(data, ctx, pid=f"P{i}") for i in range(n)]
    cohort = cases_to_tables(cases, knowledge=kb)
    singles = [case_to_tables(c, knowledge=kb) for c in cases]
    for name, schema in SCHEMAS.items():
        union = pa.concat_tables([s[name] for s in singles] or [schema.empty_table()])
        assert cohort[name].equals(union), name
    assert tables_to_cases(cohort, context=ctx) == cases


def test_none_known_statements_and_pregnancy_exclusion_round_trip(kb: Knowledge) -> None:
    """The "none known" flags and the exclusion survive the tables (and are null when unsaid)."""
    stated = Case.model_validate(
        {
            "patient": {"id": "N1"},
            "no_known_conditions": True,
            "no_known_allergies": True,
            "no_current_medications": True,
            "medications": [{"code": "aspirin", "current": False}],
            "pregnancy_excluded": {"date": "2026-09-28", "method": "serum_hcg", "detail": "5 IU/L"},
        }
    )
    unsaid = Case.model_validate({"patient": {"id": "N2"}})
    tables = cases_to_tables([stated, unsaid], knowledge=kb)
    row = tables["patients"].to_pylist()
    assert [r["no_known_allergies"] for r in row] == [True, None]
    assert [r["pregnancy_excluded_method"] for r in row] == ["serum_hcg", None]
    assert tables_to_cases(tables) == [stated, unsaid]

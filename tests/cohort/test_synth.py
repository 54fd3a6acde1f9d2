"""Synthetic cohorts: deterministic, valid by the project's own checks, sourced numbers."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from nidation.cohort.synth import synth_chunk, synthesize
from nidation.engine.facts import tables_to_cases, validate_tables
from nidation.engine.facts_schema import SCHEMAS
from nidation.errors import InputError
from nidation.knowledge import Knowledge
from tests.conftest import TODAY


def test_same_seed_gives_the_same_cohort_and_another_seed_another(kb: Knowledge) -> None:
    first = synth_chunk(kb, seed=11, index=0, start=0, n=300)
    again = synth_chunk(kb, seed=11, index=0, start=0, n=300)
    other = synth_chunk(kb, seed=12, index=0, start=0, n=300)
    assert all(first[name].equals(again[name]) for name in SCHEMAS)
    assert not first["labs"].equals(other["labs"])


def test_synthetic_tables_pass_the_table_and_case_validation(kb: Knowledge) -> None:
    tables = synth_chunk(kb, seed=5, index=0, start=0, n=400)
    assert validate_tables(tables) == []
    cases = tables_to_cases(tables, context=kb.validation_context(today=TODAY))
    assert len(cases) == 400
    clinics = {bool(c.transfers) for c in cases}
    assert clinics == {True, False}  # IVF-clinic and RPL-clinic patients both present


def test_a_test_not_done_leaves_no_row(kb: Knowledge) -> None:
    tables = synth_chunk(kb, seed=5, index=0, start=0, n=400)
    labs = tables["labs"]
    empty = pc.and_(pc.is_null(labs["value"]), pc.is_null(labs["qualitative"]))
    assert pc.sum(empty).as_py() in (0, None)
    with_labs = set(labs["patient_id"].to_pylist())
    assert 0 < len(with_labs) < 400  # some patients have no work-up recorded at all


def test_every_parameter_has_a_source_and_assumptions_are_unverified(kb: Knowledge) -> None:
    rows = kb.tables["synth_parameters"].rows
    assert rows
    for row in rows:
        assert row["source"] in kb.sources
        if row["source"] == "nidation-defaults":
            assert row["verified"] is False


def test_synthesize_writes_parts_and_refuses_an_existing_directory(
    kb: Knowledge, tmp_path: Path
) -> None:
    summary = synthesize(tmp_path / "c", patients=30, seed=1, chunk_patients=20, knowledge=kb)
    assert summary.rows["patients"] == 30
    assert sorted(p.name for p in (tmp_path / "c" / "labs").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    with pytest.raises(InputError, match="already exists"):
        synthesize(tmp_path / "c", patients=30, seed=1, knowledge=kb)
    assert [p.name for p in tmp_path.iterdir()] == ["c"]  # no staging folder left behind

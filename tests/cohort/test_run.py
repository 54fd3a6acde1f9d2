"""Cohort runs: per-patient results equal single-case assessments; outputs are complete."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nidation.api import default_assessor
from nidation.cohort.batches import read_batch
from nidation.cohort.inputs import read_inputs
from nidation.cohort.run import CohortRun, run_cohort
from nidation.cohort.summary import long_sql
from nidation.engine.facts import tables_to_cases
from nidation.engine.status import DECISIVENESS, STATUS_CODES, STATUSES
from nidation.errors import InputError
from nidation.knowledge import Knowledge
from tests.cohort.conftest import PATIENTS
from tests.conftest import TODAY

Key = tuple[str, str, str | None]


def _cohort_rows(run: CohortRun) -> dict[str, dict[Key, tuple[str, dict[str, Any]]]]:
    out: dict[str, dict[Key, tuple[str, dict[str, Any]]]] = {}
    for row in pq.read_table(Path(run.directory) / "results").to_pylist():
        evidence = dict(row["evidence_num"] or []) | dict(row["evidence_text"] or [])
        key = (row["patient_id"], row["rule_id"], row["item"])
        out.setdefault(row["patient_id"], {})[key] = (row["status"], evidence)
    return out


def test_cohort_results_equal_single_case_assessments(
    cohort_dir: Path, cohort_run: CohortRun, kb: Knowledge, tmp_path: Path
) -> None:
    tables = read_batch(read_inputs(cohort_dir, staging=tmp_path), index=0, batches=1)
    cases = tables_to_cases(tables, context=kb.validation_context(today=TODAY))
    in_cohort = _cohort_rows(cohort_run)
    assessor = default_assessor()
    for case in random.Random(3).sample(cases, 6):
        single = assessor.assess(case, today=TODAY)
        rows = {
            (case.patient.id, o.rule_id, o.item): (o.status, dict(o.evidence)) for o in single.trace
        }
        assert rows == in_cohort[case.patient.id], case.patient.id


def test_every_patient_gets_every_rule_and_one_summary_row(
    cohort_run: CohortRun,
) -> None:
    assert cohort_run.patients == PATIENTS
    assert cohort_run.batches == 2
    results = pq.read_table(Path(cohort_run.directory) / "results")
    rules = [r.id for r in default_assessor().rules.active()]
    pairs = set(zip(results["patient_id"].to_pylist(), results["rule_id"].to_pylist(), strict=True))
    assert len(pairs) == PATIENTS * len(rules)
    summary = pq.read_table(Path(cohort_run.directory) / "summary")
    assert summary.num_rows == PATIENTS
    assert len(set(summary["patient_id"].to_pylist())) == PATIENTS
    assert {"age_years", "year", "RPL-DEF-001", "RIF-DEF-001", "items_due"} <= set(
        summary.column_names
    )
    manifest = json.loads((Path(cohort_run.directory) / "manifest.json").read_text())
    assert manifest["patients"] == PATIENTS


def _summary(run: CohortRun) -> list[dict[str, Any]]:
    rows = pq.read_table(Path(run.directory) / "summary").to_pylist()
    return sorted(rows, key=lambda r: r["patient_id"])


def test_the_compact_run_gives_the_statuses_of_the_run_with_evidence(
    cohort_run: CohortRun, compact_run: CohortRun
) -> None:
    assert not (Path(compact_run.directory) / "results").exists()
    assert compact_run.batches == 3 and not compact_run.evidence
    assert _summary(compact_run) == _summary(cohort_run)


def test_the_summary_holds_every_status_and_item_of_the_long_table(
    cohort_run: CohortRun,
) -> None:
    con = duckdb.connect(":memory:")
    directory = Path(cohort_run.directory)
    con.execute(f"CREATE VIEW summary AS SELECT * FROM read_parquet('{directory}/summary/*')")
    rebuilt = long_sql("summary", rule_ids=list(cohort_run.rules), list_rules=cohort_run.list_rules)
    got = sorted(con.execute(rebuilt).fetchall(), key=str)
    results = pq.read_table(
        directory / "results", columns=["patient_id", "rule_id", "item", "status"]
    )
    expected = sorted((tuple(r.values()) for r in results.to_pylist()), key=str)
    assert got == expected
    summary = pq.read_table(directory / "summary")
    assert summary.schema.field("RPL-DEF-001").type == pa.int8()
    assert "INV-PLAN-001_items" in summary.column_names
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["status_codes"] == STATUS_CODES


def test_every_status_has_a_permanent_small_code() -> None:
    statuses = {s for kind in STATUSES.values() for s in kind} | set(DECISIVENESS)
    assert statuses == set(STATUS_CODES)
    assert sorted(STATUS_CODES.values()) == list(range(len(STATUS_CODES)))
    assert STATUS_CODES["not_assessed"] == 0 and STATUS_CODES["not_flagged"] == 15


def test_refused_input_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    with pytest.raises(InputError, match="file missing"):
        run_cohort(tmp_path / "facts", tmp_path / "out", today=TODAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts"]

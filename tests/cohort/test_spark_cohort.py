"""The cohort run on Spark gives the same per-patient results as on DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from nidation.cohort.run import CohortRun, run_cohort
from tests.conftest import TODAY

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from nidation.engine.backends import spark_session

    session = spark_session("local[1]", {"spark.sql.shuffle.partitions": "1"})
    yield session
    session.stop()


def _rows(directory: str) -> list[dict[str, Any]]:
    rows = pq.read_table(Path(directory) / "results").to_pylist()
    for row in rows:
        row["evidence_num"] = sorted(row["evidence_num"] or [])
        row["evidence_text"] = sorted(row["evidence_text"] or [])
    return sorted(rows, key=lambda r: (r["patient_id"], r["rule_id"], r["item"] or ""))


def test_spark_and_duckdb_cohort_runs_agree(
    cohort_dir: Path, cohort_run: CohortRun, spark: Any, tmp_path: Path
) -> None:
    sparked = run_cohort(
        cohort_dir, tmp_path / "spark", engine="spark", spark=spark, today=TODAY, evidence=True
    )
    assert sparked.patients == cohort_run.patients
    duck, other = _rows(cohort_run.directory), _rows(sparked.directory)
    assert len(duck) == len(other)
    differing = [
        (a["patient_id"], a["rule_id"], a["item"])
        for a, b in zip(duck, other, strict=True)
        if a != b
    ]
    assert not differing, differing[:5]


def test_spark_and_duckdb_compact_runs_agree(
    cohort_dir: Path, compact_run: CohortRun, spark: Any, tmp_path: Path
) -> None:
    """The default run (no evidence: one aggregate picks each status) is the same on Spark."""
    sparked = run_cohort(cohort_dir, tmp_path / "spark", engine="spark", spark=spark, today=TODAY)
    duck = pq.read_table(Path(compact_run.directory) / "summary").sort_by("patient_id")
    other = pq.read_table(Path(sparked.directory) / "summary").sort_by("patient_id")
    assert other.to_pylist() == duck.to_pylist()

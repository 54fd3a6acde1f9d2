"""DuckDB and Spark run the same compiled plan and must agree row for row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.rules.golden import TODAY, load_golden_cases

from nidation.api import Assessor
from nidation.engine.facts import cases_to_tables
from nidation.io.case_file import read_case

pytestmark = pytest.mark.spark
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from nidation.engine.backends import spark_session

    session = spark_session("local[1]", {"spark.sql.shuffle.partitions": "1"})
    yield session
    session.stop()


def _sorted(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: tuple(str(r.get(k)) for k in keys))


def test_spark_equals_duckdb_on_examples_and_golden_cases(spark: Any) -> None:
    from nidation.engine.backends import SparkRunner

    assessor = Assessor()
    kb = assessor.knowledge
    files = sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])
    cases = [read_case(f, knowledge=kb) for f in files]
    cases += [g.case(kb) for g in load_golden_cases()]
    tables = cases_to_tables(cases, knowledge=kb)
    today = date(TODAY.year, TODAY.month, TODAY.day)

    duck = assessor.run_tables(tables, today=today)
    sparked = SparkRunner(assessor.plan, spark).run(tables, today=today)

    assert duck.results.num_rows == len(cases) * len(assessor.rules.active())
    assert _sorted(sparked.results.to_pylist(), "patient_id", "rule_id") == _sorted(
        duck.results.to_pylist(), "patient_id", "rule_id"
    )
    for name, table in duck.views.items():
        keys = [
            c
            for c in ("patient_id", "pregnancy_id", "transfer_id", "embryo_id")
            if c in table.column_names
        ]
        assert _sorted(sparked.views[name].to_pylist(), *keys) == _sorted(table.to_pylist(), *keys)

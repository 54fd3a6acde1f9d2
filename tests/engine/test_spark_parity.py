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


def _runs(spark: Any) -> tuple[Any, Any]:
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
    assert duck.results.num_rows >= len(cases) * len(assessor.rules.active())
    return duck, sparked


@pytest.fixture(scope="module")
def both(spark: Any) -> tuple[Any, Any]:
    return _runs(spark)


def _decisions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in (*RESULT_KEYS, "status")} for r in rows]


def _keyed(rows: list[dict[str, Any]], *keys: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(str(r.get(k)) for k in keys): r for r in rows}


def _differences(
    left: list[dict[str, Any]], right: list[dict[str, Any]], *keys: str, limit: int = 5
) -> list[str]:
    """A short description of how two row lists differ (never a full dump: the lists are big)."""
    a, b = _keyed(left, *keys), _keyed(right, *keys)
    out = [f"{len(left)} vs {len(right)} rows"] if len(left) != len(right) else []
    out += [f"only on Spark: {k}" for k in sorted(a.keys() - b.keys())[:limit]]
    out += [f"only on DuckDB: {k}" for k in sorted(b.keys() - a.keys())[:limit]]
    changed = [
        f"{k} {c}: spark={a[k].get(c)!r} duckdb={b[k].get(c)!r}"
        for k in sorted(a.keys() & b.keys())
        for c in sorted(set(a[k]) | set(b[k]))
        if a[k].get(c) != b[k].get(c)
    ]
    return out + changed[:limit] + ([f"… {len(changed)} differing values"] if changed else [])


RESULT_KEYS = ("patient_id", "rule_id", "item")
VIEW_KEYS = ("patient_id", "pregnancy_id", "transfer_id", "embryo_id", "investigation", "therapy")
CORE = ("RPL-DEF-00", "RIF-DEF-001", "RIF-DEF-002", "RIF-DEF-003", "RIF-DEF-004", "PRED-")


def _core(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["rule_id"].startswith(CORE) and r["rule_id"] != "RPL-DEF-006"]


def test_spark_and_duckdb_agree_on_the_definitions_and_predictions(both: tuple[Any, Any]) -> None:
    duck, sparked = both
    diff = _differences(
        _core(sparked.results.to_pylist()), _core(duck.results.to_pylist()), *RESULT_KEYS
    )
    assert not diff, "\n".join(diff)


def test_spark_and_duckdb_reach_the_same_decisions(both: tuple[Any, Any]) -> None:
    duck, sparked = both
    diff = _differences(
        _decisions(sparked.results.to_pylist()), _decisions(duck.results.to_pylist()), *RESULT_KEYS
    )
    assert not diff, "\n".join(diff)


def test_spark_and_duckdb_give_identical_results_and_evidence(both: tuple[Any, Any]) -> None:
    duck, sparked = both
    diff = _differences(sparked.results.to_pylist(), duck.results.to_pylist(), *RESULT_KEYS)
    assert not diff, "\n".join(diff)


def test_spark_and_duckdb_give_identical_views(both: tuple[Any, Any]) -> None:
    duck, sparked = both
    assert set(sparked.views) == set(duck.views)
    for name, table in duck.views.items():
        keys = [c for c in VIEW_KEYS if c in table.column_names]
        diff = _differences(sparked.views[name].to_pylist(), table.to_pylist(), *keys)
        assert not diff, f"view {name}:\n" + "\n".join(diff)

"""The Python evaluator (single cases) and DuckDB (cohorts) give the same rows and views."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from nidation.api import Assessor
from nidation.engine.embedded import EmbeddedRunner
from nidation.engine.facts import case_to_tables, cases_to_tables
from nidation.io.case_file import read_case

EXAMPLES = Path(__file__).parents[2] / "examples"
TODAY = date(2026, 11, 21)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["patient_id"], r["rule_id"], str(r["item"])))


def _view_rows(table: pa.Table) -> list[str]:
    return sorted(repr(sorted(r.items())) for r in table.to_pylist())


def _files() -> list[Path]:
    return sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.json")])


def test_python_and_duckdb_give_the_same_rows_and_views_for_every_example() -> None:
    assessor = Assessor()
    runner = assessor.runner
    files = _files()
    tables = {
        p.name: case_to_tables(
            read_case(p, knowledge=assessor.knowledge), knowledge=assessor.knowledge
        )
        for p in files
    }
    slow = {name: runner.duckdb.run(t, today=TODAY) for name, t in tables.items()}
    # Every example twice, in two orders, through the same Python runner: nothing from one
    # run may leak into the next.
    for path in [*files, *reversed(files)]:
        fast = runner.python.run(tables[path.name], today=TODAY)
        want = slow[path.name]
        assert _rows(fast.results.to_pylist()) == _rows(want.results.to_pylist()), path.name
        assert set(fast.views) == set(want.views)
        for name in fast.views:
            assert fast.views[name].schema == want.views[name].schema, (path.name, name)
            assert _view_rows(fast.views[name]) == _view_rows(want.views[name]), (path.name, name)


def test_small_runs_take_python_and_large_runs_take_duckdb() -> None:
    assessor = Assessor()
    cases = [read_case(p, knowledge=assessor.knowledge) for p in _files()[:2]]
    one = cases_to_tables(cases[:1], knowledge=assessor.knowledge)
    two = cases_to_tables(cases, knowledge=assessor.knowledge)
    runner = EmbeddedRunner(assessor.plan, python_max_patients=1)
    runner.run(one, today=TODAY)
    assert runner._python is not None and runner._duckdb is None
    out = runner.run(two, today=TODAY)
    assert runner._duckdb is not None
    want = runner.python.run(two, today=TODAY)
    assert _rows(out.results.to_pylist()) == _rows(want.results.to_pylist())

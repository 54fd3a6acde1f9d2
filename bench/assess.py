"""Benchmark: one warm case through the whole rule set (target p50 ≤ 20 ms, p99 ≤ 50 ms).

Prints numbers; asserts nothing. Usage:
``uv run python bench/assess.py [CASE ...] [--runs N] [--duckdb-runs N]``.

Reports, for each case: ``nidation.assess`` end to end (fact tables + Python evaluator +
Assessment), the Python evaluator alone, and (for comparison, fewer runs) the same case on
DuckDB, the cohort backend. The machine's load average is printed first: on a shared 2-core
machine numbers under load are not comparable with a quiet run.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from nidation.api import Assessor
from nidation.engine.facts import case_to_tables
from nidation.io.case_file import read_case

TODAY = date(2026, 12, 2)


def timed(fn: Callable[..., object], n: int) -> tuple[float, float]:
    """(p50, p99) in milliseconds of ``n`` calls."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, math.ceil(len(out) * 0.99) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="*", default=["examples/rpl-and-rif.yaml"])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--duckdb-runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min): {os.getloadavg()}; cores: {os.cpu_count()}")

    t0 = time.perf_counter()
    assessor = Assessor()
    runner = assessor.runner
    t1 = time.perf_counter()
    _ = runner.python
    t2 = time.perf_counter()
    print(f"knowledge load + rule expressions: {(t1 - t0) * 1000:.0f} ms")
    print(f"Python evaluator compile: {(t2 - t1) * 1000:.0f} ms; rules: {len(assessor.rules)}")

    for path in args.cases:
        case = read_case(Path(path), knowledge=assessor.knowledge)
        tables = case_to_tables(case, knowledge=assessor.knowledge)
        assessor.assess(case, today=TODAY)  # warm
        print(f"\n{path}")
        stages: dict[str, tuple[Callable[..., object], int]] = {
            "nidation assess (tables + run + Assessment)": (
                lambda case=case: assessor.assess(case, today=TODAY),
                args.runs,
            ),
            "Python evaluator run only": (
                lambda tables=tables: runner.python.run(tables, today=TODAY),
                args.runs,
            ),
            "DuckDB run (cohort backend), same case": (
                lambda tables=tables: runner.duckdb.run(tables, today=TODAY),
                args.duckdb_runs,
            ),
        }
        for label, (fn, n) in stages.items():
            if n <= 0:
                continue
            p50, p99 = timed(fn, n)
            print(f"  {label:46s} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={n})")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

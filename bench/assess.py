"""Benchmark: one warm case through the whole rule set (target p50 ≤ 20 ms, p99 ≤ 50 ms).

Prints numbers; asserts nothing. Usage: ``uv run python bench/assess.py [CASE] [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from nidation.api import Assessor
from nidation.engine.facts import case_to_tables
from nidation.io.case_file import read_case


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", nargs="?", default="examples/rpl-and-rif.yaml")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    t0 = time.perf_counter()
    assessor = Assessor()
    t1 = time.perf_counter()
    case = read_case(Path(args.case), knowledge=assessor.knowledge)
    assessor.assess(case, today=date.today())  # compiles and warms the plan
    t2 = time.perf_counter()
    print(f"knowledge load + plan build: {(t1 - t0) * 1000:.0f} ms")
    print(f"first assessment (compile SQL + run): {(t2 - t1) * 1000:.0f} ms")
    print(f"rules: {len(assessor.rules.active())}")

    def timed(fn: object, n: int) -> list[float]:
        out = []
        for _ in range(n):
            s = time.perf_counter()
            fn()  # type: ignore[operator]
            out.append((time.perf_counter() - s) * 1000)
        return sorted(out)

    stages = {
        "case -> fact tables": lambda: case_to_tables(case, knowledge=assessor.knowledge),
        "engine run (bind + SQL)": lambda: assessor.run_tables(
            case_to_tables(case, knowledge=assessor.knowledge), today=date.today()
        ),
        "assess (whole: tables + run + Assessment)": lambda: assessor.assess(
            case, today=date.today()
        ),
    }
    for label, fn in stages.items():
        ms = timed(fn, args.runs)
        p50 = statistics.median(ms)
        p99 = ms[int(len(ms) * 0.99) - 1]
        print(f"{label:45s} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   (n={args.runs})")


if __name__ == "__main__":
    main()

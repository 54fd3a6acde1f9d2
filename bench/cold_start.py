"""Benchmark: where a fresh process's time goes before its first assessment.

Prints numbers; asserts nothing. Usage: ``uv run python bench/cold_start.py [CASE]``. Run it
as its own process (it measures imports). Target (issue 11): a whole ``nidation assess CASE
--json`` process ≤ 2 s wall.
"""

from __future__ import annotations

import os
import sys
import time

START = time.perf_counter()
CPU = time.process_time()


def step(label: str, since: list[float]) -> None:
    now, cpu = time.perf_counter(), time.process_time()
    print(f"{label:38s} {now - since[0]:6.2f} s wall  {cpu - since[1]:6.2f} s CPU")
    since[0], since[1] = now, cpu


def main() -> None:
    case_path = sys.argv[1] if len(sys.argv) > 1 else "examples/rpl-and-rif.yaml"
    print(f"load average: {os.getloadavg()}")
    mark = [START, CPU]
    from datetime import date
    from pathlib import Path

    from nidation.api import Assessor
    from nidation.io.case_file import read_case
    from nidation.knowledge import load_knowledge
    from nidation.rules import default_rules

    step("imports", mark)
    kb = load_knowledge()
    step("knowledge base load", mark)
    rules = default_rules()
    step("rule modules", mark)
    assessor = Assessor(kb, rules)
    _ = assessor.plan.stage_expressions
    _ = assessor.plan.expression
    step("rule expressions (ibis)", mark)
    _ = assessor.runner.python
    step("Python evaluator compile", mark)
    case = read_case(Path(case_path), knowledge=kb)
    assessment = assessor.assess(case, today=date(2026, 12, 2))
    assessment.model_dump_json()
    step("read + first assessment + JSON", mark)
    wall, cpu = time.perf_counter() - START, time.process_time()
    print(f"{'total':38s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()

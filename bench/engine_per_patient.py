"""Benchmark: per-patient cost of each embedded backend on a synthetic cohort slice.

Prints numbers; asserts nothing. Usage:
``uv run python bench/engine_per_patient.py [--patients 1000] [--seed 1]``.

Runs the same compiled plan over the same fact tables through the Python evaluator and
through DuckDB, checks that the rows are equal, and prints each backend's time per run and
per patient. This is the measurement that splits the work between them (ADR 0004): the
Python evaluator has no fixed cost per run and a higher cost per patient; DuckDB the reverse.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

from nidation.api import Assessor
from nidation.cohort.synth import synth_chunk

TODAY = date(2026, 12, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}; cores: {os.cpu_count()}")
    assessor = Assessor()
    tables = synth_chunk(assessor.knowledge, seed=args.seed, index=0, start=0, n=args.patients)
    runner = assessor.runner
    runner.python.run({k: v.slice(0, 0) for k, v in tables.items()}, today=TODAY)
    results = {}
    for name, backend in (("python", runner.python), ("duckdb", runner.duckdb)):
        start = time.perf_counter()
        out = backend.run(tables, today=TODAY)
        seconds = time.perf_counter() - start
        results[name] = out
        per = seconds / args.patients * 1000
        print(f"{name:7s} {args.patients} patients: {seconds:7.2f} s  ({per:.2f} ms/patient)")
    keys = ["patient_id", "rule_id", "item"]
    a = results["python"].results.sort_by([(k, "ascending") for k in keys]).to_pylist()
    b = results["duckdb"].results.sort_by([(k, "ascending") for k in keys]).to_pylist()
    print(f"rows equal: {a == b} ({len(a)} rows)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

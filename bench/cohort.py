"""Benchmark: the embedded cohort run against the floor (one DuckDB scan + group-by of the
same fact files). Targets on 2 cores (issue 11): 1 M patients ≤ 60 s, 100 k within 30× the
floor, peak RSS ≤ 4 GB, both cores ≥ 85 % busy.

Prints numbers; asserts nothing. Each size is synthesised once (cached under --work), then the
run and the floor each execute in a child process so peak RSS and CPU are measured per step
(``busy`` is the child's CPU time over wall time × cores). The default run writes the compact
summary; ``--evidence`` also times the run that writes the long evidence table.

Usage: ``uv run python bench/cohort.py [--sizes 10000,100000,1000000] [--work DIR]
[--evidence] [--threads N] [--batch-patients N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

FLOOR_SQL = """
SELECT count(*), count(DISTINCT patient_id) FROM (
  SELECT patient_id, count(*) AS n FROM read_parquet('{root}/*/*.parquet', union_by_name = true)
  GROUP BY patient_id)
"""


def _child(step: str, facts: str, out: str, options: dict[str, int]) -> None:
    started = time.perf_counter()
    if step in ("run", "evidence"):
        from nidation.cohort.run import run_cohort

        run_cohort(facts, out, today=date(2026, 1, 1), overwrite=True, **options)
    else:
        import duckdb

        duckdb.sql(FLOOR_SQL.format(root=facts)).fetchall()
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_gb = usage.ru_maxrss / 1024**2
    busy = (usage.ru_utime + usage.ru_stime) / seconds / (os.cpu_count() or 1)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"seconds": seconds, "peak_gb": peak_gb, "busy": busy, "cpu": cpu}))


def _measure(step: str, facts: Path, out: Path, options: dict[str, int]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, str(facts), str(out), json.dumps(options)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--work", default="/tmp/nidation-bench-cohort")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--evidence", action="store_true", help="also time --evidence runs")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--batch-patients", type=int, default=None)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, facts_dir, out_dir, given = args.child
        _child(step, facts_dir, out_dir, json.loads(given))
        return
    options = {
        k: v
        for k, v in (("threads", args.threads), ("batch_patients", args.batch_patients))
        if v is not None
    }
    from nidation.cohort.synth import synthesize

    work = Path(args.work)
    print(f"load before: {os.getloadavg()[0]:.2f}; options {options}")
    print(
        f"{'patients':>9} {'step':>8} {'synth s':>8} {'run s':>8} {'cpu s':>7} {'peak GB':>8} "
        f"{'busy':>5} "
        f"{'floor s':>8} {'ratio':>7}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        facts = work / f"facts-{size}"
        started = time.perf_counter()
        if not facts.exists():
            synthesize(facts, patients=size, seed=args.seed)
        made = time.perf_counter() - started
        floor = _measure("floor", facts, work / "unused", {})
        steps = ("run", "evidence") if args.evidence else ("run",)
        for step in steps:
            extra = {"evidence": True} if step == "evidence" else {}
            run = _measure(step, facts, work / f"out-{size}", {**options, **extra})
            print(
                f"{size:>9} {step:>8} {made:>8.1f} {run['seconds']:>8.1f} {run['cpu']:>7.1f} "
                f"{run['peak_gb']:>8.2f} {run['busy']:>5.0%} {floor['seconds']:>8.2f} "
                f"{run['seconds'] / floor['seconds']:>7.1f}",
                flush=True,
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

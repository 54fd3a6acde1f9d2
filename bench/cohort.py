"""Benchmark: the embedded cohort run against the floor (one DuckDB scan + group-by of the
same fact files). Targets on 2 cores: 1 M patients ≤ 120 s, peak ≤ 8 GB, run/floor ≤ 10.

Prints numbers; asserts nothing. Each size is synthesised once (cached under --work), then the
run and the floor each execute in a child process so peak RSS is measured per step.

Usage: ``uv run python bench/cohort.py [--sizes 10000,100000,1000000] [--work DIR]``.
"""

from __future__ import annotations

import argparse
import json
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


def _child(step: str, facts: str, out: str) -> None:
    started = time.perf_counter()
    if step == "run":
        from nidation.cohort.run import run_cohort

        run_cohort(facts, out, today=date(2026, 1, 1), overwrite=True)
    else:
        import duckdb

        duckdb.sql(FLOOR_SQL.format(root=facts)).fetchall()
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"seconds": seconds, "peak_gb": peak_gb}))


def _measure(step: str, facts: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, str(facts), str(out)],
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
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    from nidation.cohort.synth import synthesize

    work = Path(args.work)
    print(f"{'patients':>9} {'synth s':>8} {'run s':>8} {'peak GB':>8} {'floor s':>8} {'ratio':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        facts = work / f"facts-{size}"
        started = time.perf_counter()
        if not facts.exists():
            synthesize(facts, patients=size, seed=args.seed)
        made = time.perf_counter() - started
        run = _measure("run", facts, work / f"out-{size}")
        floor = _measure("floor", facts, work / "unused")
        print(
            f"{size:>9} {made:>8.1f} {run['seconds']:>8.1f} {run['peak_gb']:>8.2f} "
            f"{floor['seconds']:>8.2f} {run['seconds'] / floor['seconds']:>7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()

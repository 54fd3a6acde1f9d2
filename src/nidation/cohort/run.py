"""``nidation cohort``: run the one compiled plan over a cohort's fact files in patient
batches, on DuckDB (embedded, batches in parallel threads, finished in any order) or Spark,
and write

* ``summary/part-NNNNN.parquet`` — one row per patient: a status code per rule and the list
  rules' items (see :mod:`.summary`); the rules run without evidence, which is much cheaper;
* ``results/part-NNNNN.parquet`` — only with ``evidence=True``: the long table, patient ×
  rule (× item), status and evidence;
* ``manifest.json`` — versions, engine, date, counts, status codes, timings, peak memory.

Output goes to a temporary sibling directory renamed at the end: a failed run writes nothing.
Rules are never re-implemented here: every batch goes through
:class:`~nidation.engine.run.DuckDBRunner` or
:class:`~nidation.engine.backends.SparkRunner`.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nidation._version import __version__
from nidation.api import Assessor, default_assessor
from nidation.cohort.batches import count_patients, partition_inputs, plan_batches, read_batch
from nidation.cohort.inputs import read_inputs
from nidation.cohort.output import atomic_directory
from nidation.cohort.summary import summarise
from nidation.engine.run import DuckDBRunner, RunOutput
from nidation.engine.status import STATUS_CODES

__all__ = ["CohortRun", "Engine", "run_cohort"]

Engine = Literal["duckdb", "spark"]
DUCKDB_BATCH_PATIENTS = 20_000
SPARK_BATCH_PATIENTS = 200_000
#: A cohort is split among the workers only when each gets at least this many patients
#: (each batch pays ≈ 3 s CPU of DuckDB planning, whatever its size).
MIN_SPLIT_PATIENTS = 2_000


class _Runner(Protocol):
    def run(self, tables: Any, *, today: date, evidence: bool = True) -> RunOutput: ...


@dataclass(frozen=True)
class CohortRun:
    """What a cohort run wrote and how long it took."""

    directory: str
    engine: str
    today: str
    patients: int
    batches: int
    result_rows: int
    seconds: float
    knowledge_version: str
    nidation_version: str
    evidence: bool = False
    peak_rss_gb: float = 0.0
    rules: tuple[str, ...] = ()
    list_rules: tuple[str, ...] = ()
    status_codes: dict[str, int] | None = None


def _runner(
    assessor: Assessor, engine: Engine, spark_master: str | None, spark: Any, threads: int
) -> _Runner:
    if engine == "duckdb":
        return DuckDBRunner(assessor.plan, threads=threads)
    from nidation.engine.backends import SparkRunner, spark_session

    session = spark if spark is not None else spark_session(spark_master or "local[2]")
    return SparkRunner(assessor.plan, session)


def run_cohort(
    directory: str | Path,
    out: str | Path,
    *,
    engine: Engine = "duckdb",
    today: date | None = None,
    batch_patients: int | None = None,
    workers: int = 2,
    threads: int = 1,
    evidence: bool = False,
    spark_master: str | None = None,
    spark: Any = None,
    assessor: Assessor | None = None,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> CohortRun:
    """Assess every patient of the cohort in ``directory``; write the results under ``out``.

    ``progress(done, total)`` is called after each batch with patient counts. On DuckDB up to
    ``workers`` batches run at once, each on ``threads`` DuckDB threads, and finish in any
    order (memory is bounded by ``workers`` batches); Spark parallelises inside each batch.
    ``evidence`` also writes the long table with every rule's evidence (``results/``).
    """
    started = time.perf_counter()
    when = today or date.today()
    assessor = assessor or default_assessor()
    runner = _runner(assessor, engine, spark_master, spark, threads)
    rule_ids = [r.id for r in assessor.rules.active()]
    list_rules = assessor.plan.list_rules
    size = batch_patients or (DUCKDB_BATCH_PATIENTS if engine == "duckdb" else SPARK_BATCH_PATIENTS)
    target = Path(out)
    with atomic_directory(target, overwrite=overwrite) as staging:
        inputs = read_inputs(directory, staging=staging / "_inputs")
        total = count_patients(inputs)
        batches = plan_batches(total, size)
        if engine == "duckdb" and batches < workers and total >= workers * MIN_SPLIT_PATIENTS:
            batches = workers  # keep every worker busy
        parts = (
            partition_inputs(inputs, batches=batches, folder=staging / "_batches")
            if batches > 1
            else [inputs]
        )
        (staging / "summary").mkdir()
        if evidence:
            (staging / "results").mkdir()
        done = rows = 0

        def one(index: int) -> tuple[int, int]:
            con = duckdb.connect(":memory:", config={"threads": 1})
            try:
                tables = read_batch(parts[index], index=0, batches=1, connection=con)
            finally:
                con.close()
            output = runner.run(tables, today=when, evidence=evidence)
            name = f"part-{index:05d}.parquet"
            if evidence:
                pq.write_table(output.results, staging / "results" / name)
            wide = summarise(
                output.results,
                tables["patients"],
                rule_ids=rule_ids,
                list_rules=list_rules,
                today=when,
            )
            pq.write_table(wide, staging / "summary" / name)
            return tables["patients"].num_rows, output.results.num_rows

        parallel = workers if engine == "duckdb" else 1
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            pending: set[Future[tuple[int, int]]] = set()
            queued = 0
            while queued < batches or pending:
                while queued < batches and len(pending) < parallel:
                    pending.add(pool.submit(one, queued))
                    queued += 1
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    n, r = future.result()
                    done, rows = done + n, rows + r
                    if progress is not None:
                        progress(done, total)
        _remove(staging / "_inputs")
        shutil.rmtree(staging / "_batches", ignore_errors=True)
        run = CohortRun(
            directory=str(target),
            engine=engine,
            today=when.isoformat(),
            patients=done,
            batches=batches,
            result_rows=rows,
            seconds=round(time.perf_counter() - started, 3),
            knowledge_version=assessor.knowledge.version,
            nidation_version=__version__,
            evidence=evidence,
            peak_rss_gb=round(_peak_rss_gb(), 2),
            rules=tuple(rule_ids),
            list_rules=list_rules,
            status_codes=dict(STATUS_CODES),
        )
        (staging / "manifest.json").write_text(json.dumps(asdict(run), indent=2) + "\n")
    return run


def _peak_rss_gb() -> float:
    """This process's peak resident memory so far (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**3 if sys.platform == "darwin" else peak / 1024**2


def _remove(folder: Path) -> None:
    if folder.is_dir():
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def read_results(directory: str | Path) -> pa.Table:
    """The long results table of a cohort run (all parts); written with ``evidence=True``."""
    return pq.read_table(Path(directory) / "results")

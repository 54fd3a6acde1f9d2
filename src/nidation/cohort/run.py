"""``nidation cohort``: run the one compiled plan over a cohort's fact files in patient
batches, on DuckDB (embedded, batches in parallel threads) or Spark, and write

* ``results/part-NNNNN.parquet`` — the long table: patient × rule (× item), status, evidence;
* ``summary/part-NNNNN.parquet`` — one wide row per patient (see :mod:`.summary`);
* ``manifest.json`` — versions, engine, date, counts and timings.

Output goes to a temporary sibling directory renamed at the end: a failed run writes nothing.
Rules are never re-implemented here: every batch goes through
:class:`~nidation.engine.run.DuckDBRunner` or
:class:`~nidation.engine.backends.SparkRunner`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nidation._version import __version__
from nidation.api import Assessor, default_assessor
from nidation.cohort.batches import count_patients, plan_batches, read_batch
from nidation.cohort.inputs import read_inputs
from nidation.cohort.output import atomic_directory
from nidation.cohort.summary import summarise
from nidation.engine.run import RunOutput

__all__ = ["CohortRun", "Engine", "run_cohort"]

Engine = Literal["duckdb", "spark"]
DUCKDB_BATCH_PATIENTS = 20_000
SPARK_BATCH_PATIENTS = 200_000


class _Runner(Protocol):
    def run(self, tables: Any, *, today: date) -> RunOutput: ...


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


def _runner(assessor: Assessor, engine: Engine, spark_master: str | None, spark: Any) -> _Runner:
    if engine == "duckdb":
        return assessor.runner.duckdb
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
    spark_master: str | None = None,
    spark: Any = None,
    assessor: Assessor | None = None,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> CohortRun:
    """Assess every patient of the cohort in ``directory``; write the results under ``out``.

    ``progress(done, total)`` is called after each batch with patient counts. On DuckDB up to
    ``workers`` batches run at once (one core each); Spark parallelises inside each batch.
    """
    started = time.perf_counter()
    when = today or date.today()
    assessor = assessor or default_assessor()
    runner = _runner(assessor, engine, spark_master, spark)
    rule_ids = [r.id for r in assessor.rules.active()]
    size = batch_patients or (DUCKDB_BATCH_PATIENTS if engine == "duckdb" else SPARK_BATCH_PATIENTS)
    target = Path(out)
    with atomic_directory(target, overwrite=overwrite) as staging:
        inputs = read_inputs(directory, staging=staging / "_inputs")
        total = count_patients(inputs)
        batches = plan_batches(total, size)
        (staging / "results").mkdir()
        (staging / "summary").mkdir()
        done = rows = 0
        lock = threading.Lock()

        def one(index: int) -> tuple[int, int]:
            con = duckdb.connect(":memory:", config={"threads": 1})
            try:
                tables = read_batch(inputs, index=index, batches=batches, connection=con)
            finally:
                con.close()
            output = runner.run(tables, today=when)
            name = f"part-{index:05d}.parquet"
            pq.write_table(output.results, staging / "results" / name)
            wide = summarise(output.results, tables["patients"], rule_ids=rule_ids, today=when)
            pq.write_table(wide, staging / "summary" / name)
            return tables["patients"].num_rows, output.results.num_rows

        parallel = workers if engine == "duckdb" else 1
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            pending: list[Future[tuple[int, int]]] = []
            for index in range(batches):
                pending.append(pool.submit(one, index))
                while len(pending) >= parallel or (index == batches - 1 and pending):
                    n, r = pending.pop(0).result()
                    with lock:
                        done, rows = done + n, rows + r
                    if progress is not None:
                        progress(done, total)
        _remove(staging / "_inputs")
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
        )
        (staging / "manifest.json").write_text(json.dumps(asdict(run), indent=2) + "\n")
    return run


def _remove(folder: Path) -> None:
    if folder.is_dir():
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def read_results(directory: str | Path) -> pa.Table:
    """The long results table of a cohort run (all parts)."""
    return pq.read_table(Path(directory) / "results")

"""The embedded backend: the pure-Python evaluator for interactive runs (a case, a few), DuckDB
for cohorts. Both run the same compiled plan; which one ran never changes an answer (every
golden case and example is checked on both), only how long it took.

Measured (ADR 0004): a request through the Python evaluator costs ≈ 10–25 ms per patient and
nothing fixed; DuckDB costs ≈ 1.5 s fixed planning per run and little per patient, so runs of
more than ``python_max_patients`` patients go to DuckDB."""

from __future__ import annotations

import atexit
import gc
from collections.abc import Mapping
from datetime import date
from typing import Protocol

import pyarrow as pa

from nidation.engine.plan import Plan
from nidation.engine.pyeval import PythonRunner
from nidation.engine.run import DuckDBRunner, RunOutput

PYTHON_MAX_PATIENTS = 64


class Runner(Protocol):
    """What every backend offers: run the plan over fact tables of any number of patients."""

    def run(self, tables: Mapping[str, pa.Table], *, today: date) -> RunOutput: ...


class EmbeddedRunner:
    """Python for small runs, DuckDB for large ones; thread-safe; built lazily."""

    def __init__(self, plan: Plan, *, python_max_patients: int = PYTHON_MAX_PATIENTS) -> None:
        self.plan = plan
        self.python_max_patients = python_max_patients
        self._python: PythonRunner | None = None
        self._duckdb: DuckDBRunner | None = None

    @property
    def python(self) -> PythonRunner:
        if self._python is None:
            self._python = PythonRunner(self.plan)
            # The knowledge base, the ibis plan and the compiled closures live as long as the
            # process: moving them out of the garbage collector's sight keeps its full
            # collections (≈ 0.2–0.3 s over millions of objects) out of request latency.
            gc.freeze()
            # Give them back at exit, so extension types see their objects freed.
            atexit.register(gc.unfreeze)
        return self._python

    @property
    def duckdb(self) -> DuckDBRunner:
        if self._duckdb is None:
            self._duckdb = DuckDBRunner(self.plan)
        return self._duckdb

    def run(self, tables: Mapping[str, pa.Table], *, today: date) -> RunOutput:
        patients = tables.get("patients")
        count = 0 if patients is None else patients.num_rows
        if count <= self.python_max_patients:
            return self.python.run(tables, today=today)
        return self.duckdb.run(tables, today=today)

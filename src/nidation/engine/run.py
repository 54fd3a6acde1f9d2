"""Run a compiled plan on the embedded backend (DuckDB): bind the fact tables, execute the
precompiled SQL, return the long result table and the derived views."""

from __future__ import annotations

import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from nidation.engine.facts_schema import SCHEMAS
from nidation.engine.plan import Plan
from nidation.engine.sources import DERIVED_PREFIX, KB_PREFIX, RULE_IDS
from nidation.errors import BackendError

RESULT_SCHEMA = pa.schema(
    [
        pa.field("patient_id", pa.string(), nullable=False),
        pa.field("rule_id", pa.string(), nullable=False),
        pa.field("item", pa.string()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("evidence_num", pa.map_(pa.string(), pa.float64())),
        pa.field("evidence_text", pa.map_(pa.string(), pa.string())),
    ]
)
#: The rows of a run without evidence (``evidence=False``): the same rows and statuses.
STATUS_SCHEMA = pa.schema(
    RESULT_SCHEMA.field(n) for n in ("patient_id", "rule_id", "item", "status")
)


@dataclass(frozen=True)
class RunOutput:
    """Rule results (one row per patient × rule) and the derived per-record views."""

    results: pa.Table
    views: dict[str, pa.Table]


def bind_tables(tables: Mapping[str, pa.Table], *, today: date) -> dict[str, pa.Table]:
    """Every fact table the plan reads, conformed to its schema (absent ones empty), with the
    patients' missing as-of dates set to ``today``."""
    bound: dict[str, pa.Table] = {}
    for name, schema in SCHEMAS.items():
        table = tables.get(name)
        if table is None:
            bound[name] = schema.empty_table()
            continue
        try:
            bound[name] = table.select(schema.names).cast(schema)
        except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise BackendError(f"fact table {name!r} does not match its schema: {exc}") from exc
    patients = bound["patients"]
    as_of = pc.fill_null(patients.column("as_of"), pa.scalar(today, pa.date32()))
    bound["patients"] = patients.set_column(
        patients.schema.get_field_index("as_of"), "as_of", as_of
    )
    return bound


class _PreparedSession:
    """A DuckDB connection holding native fact and derived tables and the plan's statements
    prepared once. Each run replaces the tables' rows and executes the prepared statements,
    so planning is paid once per session instead of once per request. Plans are prepared on
    empty tables, so sessions serve small runs only (a few patients)."""

    def __init__(
        self, stages: list[tuple[str, str]], main: str, static: dict[str, pa.Table], views: set[str]
    ) -> None:
        self.con = duckdb.connect(":memory:", config={"threads": 1})
        for name, table in static.items():
            self.con.register(name, table)
        for name, schema in SCHEMAS.items():
            self.con.register("_empty", schema.empty_table())
            self.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _empty')
            self.con.unregister("_empty")
        self._filled: set[str] = set()
        self._stages = []
        for i, (name, query) in enumerate(stages):
            table = DERIVED_PREFIX + name
            self.con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM ({query}) LIMIT 0')
            self.con.execute(f'PREPARE stage_{i} AS INSERT INTO "{table}" {query}')
            self._stages.append((name, table, f"stage_{i}"))
        self.con.execute(f"PREPARE rules AS {main}")
        self._views = views

    def run(self, bound: Mapping[str, pa.Table]) -> RunOutput:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for name, table in bound.items():
                if name in self._filled:
                    con.execute(f'DELETE FROM "{name}"')
                    self._filled.discard(name)
                if table.num_rows:
                    con.register("_in", table)
                    con.execute(f'INSERT INTO "{name}" SELECT * FROM _in')
                    con.unregister("_in")
                    self._filled.add(name)
            views: dict[str, pa.Table] = {}
            for name, table, statement in self._stages:
                con.execute(f'DELETE FROM "{table}"')
                con.execute(f"EXECUTE {statement}")
                if name in self._views:
                    views[name] = con.sql(f'SELECT * FROM "{table}"').to_arrow_table()
            results = con.sql("EXECUTE rules").to_arrow_table()
        finally:
            con.execute("COMMIT")
        return RunOutput(results=results.cast(RESULT_SCHEMA), views=views)


class DuckDBRunner:
    """Executes a plan in in-process DuckDB. Safe to share between threads.

    Runs of up to ``prepared_max_patients`` patients go through a pool of prepared sessions
    (planning paid once); larger runs, such as cohorts, are planned for their own data, on
    up to ``threads`` threads each. ``run(..., evidence=False)`` returns only the statuses
    (:data:`STATUS_SCHEMA`; always planned): no evidence map is built."""

    dialect = "duckdb"

    def __init__(self, plan: Plan, *, prepared_max_patients: int = 16, threads: int = 1) -> None:
        self.plan = plan
        self._views = set(plan.view_names)
        self._static = {KB_PREFIX + n: t.to_arrow() for n, t in plan.kb.tables.items()}
        self._static[RULE_IDS] = plan.rule_ids
        self._con = duckdb.connect(":memory:", config={"threads": threads})
        self._lock = threading.Lock()
        self._pool: queue.SimpleQueue[_PreparedSession] = queue.SimpleQueue()
        self.prepared_max_patients = prepared_max_patients

    @property
    def _stages(self) -> list[tuple[str, str]]:
        return self.plan.sql(self.dialect)[0]

    @property
    def _sql(self) -> str:
        return self.plan.sql(self.dialect)[1]

    @property
    def _status_sql(self) -> str:
        """Compiled on first use (seconds): single-case runs never need it."""
        return self.plan.status_sql(self.dialect)[1]

    def run(
        self, tables: Mapping[str, pa.Table], *, today: date, evidence: bool = True
    ) -> RunOutput:
        bound = bind_tables(tables, today=today)
        try:
            if not evidence:
                return self._run_planned(bound, self._status_sql, STATUS_SCHEMA)
            if bound["patients"].num_rows <= self.prepared_max_patients:
                return self._run_prepared(bound)
            return self._run_planned(bound, self._sql, RESULT_SCHEMA)
        except duckdb.Error as exc:
            raise BackendError(f"DuckDB failed to run the rule plan: {exc}") from exc

    def _run_prepared(self, bound: Mapping[str, pa.Table]) -> RunOutput:
        try:
            session = self._pool.get_nowait()
        except queue.Empty:
            session = _PreparedSession(self._stages, self._sql, self._static, self._views)
        try:
            return session.run(bound)
        finally:
            self._pool.put(session)

    def _run_planned(
        self, bound: Mapping[str, pa.Table], main: str, schema: pa.Schema
    ) -> RunOutput:
        with self._lock:
            cursor = self._con.cursor()
        views: dict[str, pa.Table] = {}
        try:
            for name, table in {**self._static, **bound}.items():
                cursor.register(name, table)
            for name, query in self._stages:
                stage = cursor.sql(query).to_arrow_table()
                cursor.register(DERIVED_PREFIX + name, stage)
                if name in self._views:
                    views[name] = stage
            results = cursor.sql(main).to_arrow_table()
        finally:
            cursor.close()
        return RunOutput(results=results.cast(schema), views=views)

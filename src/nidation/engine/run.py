"""Run a compiled plan on the embedded backend (DuckDB): bind the fact tables, execute the
precompiled SQL, return the long result table and the derived views."""

from __future__ import annotations

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


class DuckDBRunner:
    """Executes a plan in in-process DuckDB, planned for each run's own data (DuckDB binds and
    optimises the whole plan on every execution, so a run costs ≈ 1.5 s fixed: the cohort
    path; single cases take the Python evaluator, see :mod:`nidation.engine.embedded`), on
    up to ``threads`` threads. ``run(..., evidence=False)`` returns only the statuses
    (:data:`STATUS_SCHEMA`): no evidence map is built. Safe to share between threads."""

    dialect = "duckdb"

    def __init__(self, plan: Plan, *, threads: int = 1) -> None:
        self.plan = plan
        self._views = set(plan.view_names)
        self._static = {KB_PREFIX + n: t.to_arrow() for n, t in plan.kb.tables.items()}
        self._static[RULE_IDS] = plan.rule_ids
        self._con = duckdb.connect(":memory:", config={"threads": threads})
        self._lock = threading.Lock()

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
            return self._run_planned(bound, self._sql, RESULT_SCHEMA)
        except duckdb.Error as exc:
            raise BackendError(f"DuckDB failed to run the rule plan: {exc}") from exc

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
                    views[name] = stage.cast(self.plan.view_schemas[name])
            results = cursor.sql(main).to_arrow_table()
        finally:
            cursor.close()
        return RunOutput(results=results.cast(schema), views=views)

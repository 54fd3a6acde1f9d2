"""Scale-out backend: the same compiled plan on Apache Spark (PySpark).

The plan's ibis expression is compiled to Spark SQL (once, cached by the plan); fact tables
and knowledge tables become temporary views under the same names DuckDB sees, so results are
identical. Locally (tests, a laptop) a ``local[*]`` session is started; on a cluster pass the
master URL (``spark://…``, ``yarn``, ``k8s://…``) or an existing session.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pyarrow as pa

from nidation.engine.plan import Plan
from nidation.engine.run import RESULT_SCHEMA, STATUS_SCHEMA, RunOutput, bind_tables
from nidation.engine.sources import DERIVED_PREFIX, KB_PREFIX, RULE_IDS
from nidation.errors import BackendError

LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.ansi.enabled": "false",
    # The plan registers every knowledge table and ~35 stages per run; with the default 1 GB
    # heap a run over a few hundred patients can die of OutOfMemoryError, which leaves the
    # Python side waiting forever on the Arrow stream. Applies when this process starts the JVM.
    "spark.driver.memory": "4g",
}


def spark_session(master: str = "local[2]", conf: Mapping[str, str] | None = None) -> Any:
    """Start (or reuse) a Spark session with settings that work offline on one machine."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - the 'spark' extra is not installed
        raise BackendError("Spark needs the 'spark' extra: uv sync --extra spark") from exc
    builder = SparkSession.builder.master(master).appName("nidation")
    for key, value in {**LOCAL_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkRunner:
    """Executes a plan on Spark; results equal :class:`~nidation.engine.run.DuckDBRunner`'s."""

    dialect = "pyspark"

    def __init__(self, plan: Plan, session: Any | None = None, *, master: str = "local[2]"):
        self.plan = plan
        self.session = session or spark_session(master)
        self._stages, self._sql = plan.sql(self.dialect)
        self._status_sql = plan.status_sql(self.dialect)[1]
        self._views = set(plan.view_names)
        self._static = {KB_PREFIX + n: t.to_arrow() for n, t in plan.kb.tables.items()}
        self._static[RULE_IDS] = plan.rule_ids

    def _register(self, name: str, table: pa.Table) -> None:
        self.session.createDataFrame(table).createOrReplaceTempView(name)

    def run(
        self, tables: Mapping[str, pa.Table], *, today: date, evidence: bool = True
    ) -> RunOutput:
        """As :meth:`DuckDBRunner.run <nidation.engine.run.DuckDBRunner.run>`."""
        bound = bind_tables(tables, today=today)
        try:
            for name, table in {**self._static, **bound}.items():
                self._register(name, table)
            views: dict[str, pa.Table] = {}
            for name, query in self._stages:
                stage = self.session.sql(query).toArrow()
                self._register(DERIVED_PREFIX + name, stage)
                if name in self._views:
                    views[name] = stage.cast(self.plan.view_schemas[name])
            results = self.session.sql(self._sql if evidence else self._status_sql).toArrow()
        except Exception as exc:  # Spark raises many exception types (JVM, analysis, …)
            raise BackendError(f"Spark failed to run the rule plan: {exc}") from exc
        schema = RESULT_SCHEMA if evidence else STATUS_SCHEMA
        return RunOutput(results=results.cast(schema), views=views)

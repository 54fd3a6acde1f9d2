"""Run a compiled plan in pure Python: the fast path for one patient or a few.

The same ibis expressions the SQL backends compile (:class:`~nidation.engine.plan.Plan`'s
derivation stages and rule query) are compiled here, once per plan, into closures over
Python lists; a request converts its small fact tables to lists and calls them. There is no
query planning per request, which is what made a single case cost seconds on DuckDB."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pyarrow as pa

from nidation.engine.plan import Plan
from nidation.engine.pyeval.compiler import Compiler
from nidation.engine.pyeval.frame import Context, Frame, RelFn
from nidation.engine.run import RESULT_SCHEMA, RunOutput, bind_tables
from nidation.engine.sources import DERIVED_PREFIX, KB_PREFIX, RULE_IDS
from nidation.errors import BackendError


def to_frame(table: pa.Table) -> Frame:
    """An Arrow table as Python lists (maps become dicts)."""
    cols: dict[str, list[Any]] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.to_pylist()
        if pa.types.is_map(column.type):
            values = [None if v is None else dict(v) for v in values]
        cols[name] = values
    return Frame(cols, table.num_rows)


def _arrow_value(value: Any) -> Any:
    if isinstance(value, dict):
        return list(value.items())
    return value


def to_arrow(frame: Frame, schema: pa.Schema) -> pa.Table:
    """A frame as an Arrow table of ``schema``."""
    arrays = []
    for f in schema:
        values = frame.cols[f.name]
        if pa.types.is_map(f.type):
            values = [_arrow_value(v) for v in values]
        arrays.append(pa.array(values, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


class PythonRunner:
    """Executes a plan in this process with no database. Safe to share between threads."""

    dialect = "python"

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        compiler = Compiler()
        try:
            self._stages: list[tuple[str, RelFn]] = [
                (name, compiler.table(expr)) for name, expr in plan.stage_expressions.items()
            ]
            self._main = compiler.table(plan.expression)
        except NotImplementedError as exc:
            raise BackendError(f"the Python evaluator cannot run this plan: {exc}") from exc
        self._views = set(plan.view_names)
        self._static = {KB_PREFIX + n: to_frame(t.to_arrow()) for n, t in plan.kb.tables.items()}
        self._static[RULE_IDS] = to_frame(plan.rule_ids)

    def run(self, tables: Mapping[str, pa.Table], *, today: date) -> RunOutput:
        bound = bind_tables(tables, today=today)
        ctx = Context({**self._static, **{n: to_frame(t) for n, t in bound.items()}})
        views: dict[str, pa.Table] = {}
        try:
            for name, compute in self._stages:
                frame = compute(ctx)
                ctx.tables[DERIVED_PREFIX + name] = frame
                if name in self._views:
                    views[name] = to_arrow(frame, self.plan.view_schemas[name])
            results = to_arrow(self._main(ctx), RESULT_SCHEMA)
        except (NotImplementedError, TypeError, ValueError, KeyError) as exc:
            raise BackendError(f"the Python evaluator failed on this input: {exc!r}") from exc
        return RunOutput(results=results, views=views)

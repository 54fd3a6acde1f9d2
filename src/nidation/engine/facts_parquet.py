"""Fact tables as Parquet files: one ``<table>.parquet`` per table, checked when read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nidation.engine.facts_check import (
    conform,
    derive_transfer_embryos,
    schema_problems,
    validate_tables,
)
from nidation.engine.facts_schema import DERIVED_TABLES, SCHEMAS
from nidation.errors import InputError, Problem

__all__ = ["read_parquet", "write_parquet"]


def _in_file(table: str, column: str) -> str:
    return f"{table}.parquet, column '{column}'"


def write_parquet(tables: Mapping[str, pa.Table], directory: str | Path) -> None:
    """Write each table to ``<directory>/<table>.parquet`` after checking it conforms."""
    problems = validate_tables(tables)
    if problems:
        raise InputError(problems, source=str(directory))
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        pq.write_table(conform(tables[name], name), root / f"{name}.parquet")


def _read_one(root: Path, name: str) -> tuple[pa.Table | None, list[Problem]]:
    file = root / f"{name}.parquet"
    where = f"{name}.parquet"
    if not file.is_file():
        if name in DERIVED_TABLES:
            return None, []
        return None, [Problem(where, None, "file missing", "Write every fact table, empty or not")]
    try:
        problems = schema_problems(name, pq.read_schema(file), _in_file)
        if problems:
            return None, problems
        return conform(pq.read_table(file, columns=SCHEMAS[name].names), name, strict=False), []
    except (pa.ArrowException, OSError) as exc:
        why = f"not a readable Parquet file of this table ({type(exc).__name__})"
        return None, [Problem(where, None, why, "Write the file again")]


def read_parquet(directory: str | Path) -> dict[str, pa.Table]:
    """Read the fact tables written by :func:`write_parquet` (or by another tool).

    Raises :class:`InputError` naming the file and column of every problem. A missing
    derived table (``transfer_embryos``) is derived from ``transfers``.
    """
    root = Path(directory)
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name in SCHEMAS:
        table, found = _read_one(root, name)
        problems += found
        if table is not None:
            tables[name] = table
    if problems:
        raise InputError(problems, source=str(root))
    if "transfer_embryos" not in tables:
        tables["transfer_embryos"] = derive_transfer_embryos(tables["transfers"])
    problems = validate_tables(tables)
    if problems:
        raise InputError(problems, source=str(root))
    return {name: conform(tables[name], name) for name in SCHEMAS}

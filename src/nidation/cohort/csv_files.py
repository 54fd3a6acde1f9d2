"""CSV fact files: read with the facts schema's types; a value that does not convert is
reported with its file, column and row. List columns hold ``|``-separated values."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from nidation.engine.facts_check import conform, schema_problems
from nidation.engine.facts_schema import SCHEMAS
from nidation.errors import Problem

__all__ = ["LIST_SEPARATOR", "read_csv_file"]

LIST_SEPARATOR = "|"
_MAX_ROWS = 5


def _header(file: Path) -> list[str]:
    with file.open(encoding="utf-8", errors="replace", newline="") as handle:
        first = next(csv.reader(handle), [])
    return [c.strip() for c in first]


def _converts(value: str, kind: pa.DataType) -> bool:
    try:
        if pa.types.is_date32(kind):
            date.fromisoformat(value)
        elif pa.types.is_boolean(kind):
            if value.lower() not in {"true", "false", "1", "0"}:
                return False
        elif pa.types.is_integer(kind):
            int(value)
        elif pa.types.is_floating(kind):
            float(value)
    except ValueError:
        return False
    return True


def _bad_values(file: Path, name: str, column: str) -> list[Problem]:
    kind = SCHEMAS[name].field(column).type
    raw = pv.read_csv(
        file,
        convert_options=pv.ConvertOptions(
            column_types={column: pa.string()}, include_columns=[column]
        ),
    )[column].to_pylist()
    problems = []
    for row, value in enumerate(raw, start=2):  # line 1 is the header
        if value not in (None, "") and not _converts(value, kind):
            problems.append(
                Problem(
                    f"{file.name}, column '{column}', row {row}",
                    value,
                    f"not a valid {kind}",
                    f"Give the value as {kind} or leave it empty",
                )
            )
            if len(problems) == _MAX_ROWS:
                break
    return problems


def read_csv_file(file: Path, name: str) -> tuple[pa.Table | None, list[Problem]]:
    """The file as a table of ``name``'s schema types, or the problems found in it."""
    schema = SCHEMAS[name]
    header = _header(file)
    given = pa.schema(
        [pa.field(c, schema.field(c).type if c in schema.names else pa.string()) for c in header]
    )
    problems = schema_problems(name, given, lambda _t, c: f"{file.name}, column '{c}'")
    if problems:
        return None, problems
    types = {f.name: (pa.string() if pa.types.is_list(f.type) else f.type) for f in schema}
    try:
        table = pv.read_csv(
            file,
            convert_options=pv.ConvertOptions(
                column_types=types,
                strings_can_be_null=True,
                true_values=["true", "1"],
                false_values=["false", "0"],
            ),
        )
    except pa.ArrowInvalid:
        problems = [p for c in schema.names for p in _bad_values(file, name, c)]
        return None, problems or [
            Problem(file.name, None, "not a readable CSV file", "Check its format")
        ]
    for f in schema:
        if pa.types.is_list(f.type):
            split = pc.split_pattern(table[f.name], LIST_SEPARATOR)
            table = table.set_column(table.schema.get_field_index(f.name), f.name, split)
    return conform(table, name, strict=False), []

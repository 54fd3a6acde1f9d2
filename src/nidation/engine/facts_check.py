"""Schema conformance of fact tables, and their Parquet files.

Parquet files are read and written in :mod:`nidation.engine.facts_parquet`.
A column conforms when its type is the schema's, or widens to it without loss: smaller
integers to ``int64`` (and 32-bit ones to ``float64``), large or view strings and
dictionary-encoded strings to ``string``, ``date64`` to ``date32``, and an all-null column
to anything. Conforming tables are cast to the exact schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nidation.engine.facts_schema import DERIVED_TABLES, SCHEMAS
from nidation.errors import Problem

__all__ = ["check_tables", "conform", "derive_transfer_embryos", "validate_tables"]

_MAX_ROWS = 5  # rows reported per table and kind of problem; the rest are counted

Where = Callable[[str, str], str]


def _in_memory(table: str, column: str) -> str:
    return f"{table}.{column}"


def _fits(given: pa.DataType, expected: pa.DataType) -> bool:
    return bool(_fits_any(given, expected))


def _fits_any(given: pa.DataType, expected: pa.DataType) -> Any:
    if given == expected or pa.types.is_null(given):
        return True
    if pa.types.is_dictionary(given):
        return _fits(given.value_type, expected)
    if pa.types.is_integer(given):
        signed_width = given.bit_width + (0 if pa.types.is_signed_integer(given) else 1)
        return (pa.types.is_int64(expected) and signed_width <= 64) or (
            pa.types.is_float64(expected) and given.bit_width <= 32
        )
    if pa.types.is_string(expected):
        return pa.types.is_large_string(given) or pa.types.is_string_view(given)
    if pa.types.is_date32(expected):
        return pa.types.is_date64(given)
    if pa.types.is_list(expected):
        listlike = pa.types.is_large_list(given) or pa.types.is_list(given)
        listlike = listlike or pa.types.is_list_view(given) or pa.types.is_large_list_view(given)
        return listlike and _fits(given.value_type, expected.value_type)
    return False


def schema_problems(name: str, given: pa.Schema, where: Where) -> list[Problem]:
    expected = SCHEMAS[name]
    problems = []
    for field in expected:
        if field.name not in given.names:
            problems.append(
                Problem(
                    where(name, field.name),
                    None,
                    f"column missing; expected type {field.type}",
                    "Add the column (all null when unknown)",
                )
            )
            continue
        kind = given.field(field.name).type
        if not _fits(kind, field.type):
            problems.append(
                Problem(
                    where(name, field.name),
                    str(kind),
                    f"wrong type; expected {field.type}",
                    f"Give the column as {field.type}",
                )
            )
    for column in given.names:
        if column not in expected.names:
            problems.append(
                Problem(
                    where(name, column),
                    str(given.field(column).type),
                    f"not a column of the '{name}' table",
                    "Remove it or check its spelling",
                )
            )
    return problems


def _rows(
    name: str, rows: list[int], table: pa.Table, make: Callable[[str, str], Problem]
) -> list[Problem]:
    if not rows:
        return []
    ids = table["patient_id"].take(pa.array(rows[:_MAX_ROWS], pa.int64())).to_pylist()
    problems = [
        make(
            f"{name}[row {row}, patient {pid}].patient_id"
            if pid
            else f"{name}[row {row}].patient_id",
            pid,
        )
        for row, pid in zip(rows, ids, strict=False)
    ]
    if len(rows) > _MAX_ROWS:
        extra = make(f"{name}.patient_id", f"{len(rows) - _MAX_ROWS} more rows")
        problems.append(extra)
    return problems


def _row_problems(tables: Mapping[str, pa.Table]) -> list[Problem]:
    problems: list[Problem] = []
    patients = tables["patients"]["patient_id"]
    for name, table in tables.items():
        nulls = np.flatnonzero(pc.is_null(table["patient_id"]).to_numpy(zero_copy_only=False))
        problems += _rows(
            name,
            nulls.tolist(),
            table,
            lambda path, _: Problem(
                path, None, "the key is missing", "Give every row its patient_id"
            ),
        )
        if name == "patients":
            counts = pc.value_counts(patients)
            twice = set(
                counts.field("values").filter(pc.greater(counts.field("counts"), 1)).to_pylist()
            )
            dup = [i for i, pid in enumerate(patients.to_pylist()) if pid in twice] if twice else []
            problems += _rows(
                name,
                dup,
                table,
                lambda path, pid: Problem(
                    path, pid, "more than one patients row has this id", "Give each patient one row"
                ),
            )
            continue
        known = pc.or_(
            pc.is_in(table["patient_id"], value_set=patients), pc.is_null(table["patient_id"])
        )
        orphans = np.flatnonzero(~known.to_numpy(zero_copy_only=False))
        problems += _rows(
            name,
            orphans.tolist(),
            table,
            lambda path, pid: Problem(
                path,
                pid,
                "no patients row has this patient_id",
                "Add the patient's row or correct the id",
            ),
        )
    return problems


def derive_transfer_embryos(transfers: pa.Table) -> pa.Table:
    """One row per transfer × embryo, with the embryo's ``position`` in ``embryo_ids``."""
    ids = transfers["embryo_ids"].combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(ids), 0).to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(ids)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    columns = [
        transfers["patient_id"].take(parents),
        transfers["id"].take(parents),
        pa.array(position, pa.int64()),
        pc.list_flatten(ids),
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMAS["transfer_embryos"])


_LOOSE = {
    name: pa.schema([field.with_nullable(True) for field in schema])
    for name, schema in SCHEMAS.items()
}


def conform(table: pa.Table, name: str, *, strict: bool = True) -> pa.Table:
    """Select the schema's columns in order and cast them to its exact types.

    ``strict=False`` leaves every column nullable (for tables whose keys are not yet checked).
    """
    schema = SCHEMAS[name] if strict else _LOOSE[name]
    return table.select(schema.names).cast(schema)


def check_tables(tables: Mapping[str, pa.Table], *, derived_optional: bool) -> list[Problem]:
    problems: list[Problem] = []
    for name in SCHEMAS:
        if name in tables:
            problems += schema_problems(name, tables[name].schema, _in_memory)
        elif not (derived_optional and name in DERIVED_TABLES):
            problems.append(
                Problem(name, None, "table missing", "Give the table (it may be empty)")
            )
    for name in tables:
        if name not in SCHEMAS:
            problems.append(
                Problem(name, None, "not a fact table", f"Use the tables {', '.join(SCHEMAS)}")
            )
    if problems:
        return problems
    conformed = {name: conform(table, name, strict=False) for name, table in tables.items()}
    problems = _row_problems(conformed)
    if not problems and "transfer_embryos" in conformed:
        problems += _derived_problems(conformed)
    return problems


def _same_rows(a: pa.Table, b: pa.Table) -> bool:
    return a.num_rows == b.num_rows and all(
        x.equals(y) for x, y in zip(a.columns, b.columns, strict=True)
    )


def _derived_problems(tables: Mapping[str, pa.Table]) -> list[Problem]:
    derived = derive_transfer_embryos(tables["transfers"])
    given = tables["transfer_embryos"]
    if _same_rows(given, derived):
        return []
    keys = [(c, "ascending") for c in ("patient_id", "transfer_id", "position")]
    if given.num_rows == derived.num_rows and _same_rows(
        given.sort_by(keys), derived.sort_by(keys)
    ):
        return []
    return [
        Problem(
            "transfer_embryos",
            f"{given.num_rows} rows",
            "does not match transfers.embryo_ids, from which it is derived",
            "Derive it again from transfers, or leave it out to have it derived",
        )
    ]


def validate_tables(tables: Mapping[str, pa.Table]) -> list[Problem]:
    """Every way ``tables`` differ from :data:`SCHEMAS` (empty when they conform).

    Reports missing or unknown tables, missing, extra and wrongly typed columns, rows with
    no ``patient_id``, ``patient_id`` values with no ``patients`` row, duplicate patients,
    and a ``transfer_embryos`` table that does not match ``transfers``.
    """
    return check_tables(tables, derived_optional=False)

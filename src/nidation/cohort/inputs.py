"""Cohort input: the fact tables as files — ``<table>.parquet``, ``<table>.csv`` or a folder
``<table>/`` of such files — checked before anything runs.

Each file's columns are checked against the facts schema (:func:`facts_check.schema_problems`,
the same check single tables get); CSV files are converted to Parquet in a staging folder;
then one SQL pass over all files finds rows without a ``patient_id``, ``patient_id`` values
with no patients row and duplicate patients, each reported with its file and row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nidation.cohort.csv_files import read_csv_file
from nidation.engine.facts_check import schema_problems
from nidation.engine.facts_schema import DERIVED_TABLES, SCHEMAS
from nidation.errors import InputError, Problem

__all__ = ["CohortInputs", "read_inputs"]

_MAX_ROWS = 5
_SUFFIXES = (".parquet", ".csv")


@dataclass(frozen=True)
class CohortInputs:
    """Checked input: Parquet files per table (CSV already converted) and their origins."""

    directory: Path
    files: dict[str, list[Path]]
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Parquet file → (the file as given, line of its first data row) for error messages."""

    def where(self, parquet: str, row: int) -> str:
        name, first = self.origin.get(parquet, (Path(parquet).name, 0))
        return f"{name}, row {row + first}"


def _discover(root: Path, name: str) -> list[Path]:
    found = [root / f"{name}{s}" for s in _SUFFIXES if (root / f"{name}{s}").is_file()]
    folder = root / name
    if folder.is_dir():
        found += sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file())
    return found


def _parquet_problems(file: Path, name: str) -> list[Problem]:
    try:
        given = pq.read_schema(file)
    except (pa.ArrowException, OSError) as exc:
        why = f"not a readable Parquet file ({type(exc).__name__})"
        return [Problem(file.name, None, why, "Write the file again")]
    return schema_problems(name, given, lambda _t, c: f"{file.name}, column '{c}'")


def _files(
    root: Path, staging: Path
) -> tuple[dict[str, list[Path]], dict[str, tuple[str, int]], list[Problem]]:
    files: dict[str, list[Path]] = {}
    origin: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for name in SCHEMAS:
        found = _discover(root, name)
        if not found and name not in DERIVED_TABLES:
            problems.append(
                Problem(
                    f"{name}.parquet",
                    None,
                    "file missing",
                    f"Give the table as {name}.parquet, {name}.csv or a folder {name}/ "
                    "(it may be empty)",
                )
            )
        for file in found:
            label = str(file.relative_to(root))
            if file.suffix == ".csv":
                table, found_problems = read_csv_file(file, name)
                if table is not None:
                    target = staging / f"{name}-{len(origin):05d}.parquet"
                    pq.write_table(table, target)
                    origin[str(target)] = (label, 2)  # the header is line 1
                    files.setdefault(name, []).append(target)
            else:
                found_problems = _parquet_problems(file, name)
                origin[str(file)] = (label, 0)
                files.setdefault(name, []).append(file)
            problems += [
                Problem(p.path.replace(file.name, label, 1), p.value, p.why, p.action)
                for p in found_problems
            ]
    return files, origin, problems


def scan(files: list[Path], columns: str = "*") -> str:
    """SQL reading ``files`` (union by column name, with file name and row number)."""
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return (
        f"(SELECT {columns} FROM read_parquet([{listed}], union_by_name = true, "
        "filename = true, file_row_number = true))"
    )


def _key_problems(inputs: CohortInputs) -> list[Problem]:
    con = duckdb.connect(":memory:")
    patients = scan(inputs.files["patients"], "patient_id, filename, file_row_number")
    problems: list[Problem] = []

    def report(sql: str, why: str, fix: str) -> None:
        rows = con.sql(sql).fetchall()
        for pid, file, row in rows[:_MAX_ROWS]:
            problems.append(
                Problem(f"{inputs.where(file, row)}, column 'patient_id'", pid, why, fix)
            )

    report(
        f"SELECT patient_id, filename, file_row_number FROM {patients} "
        "QUALIFY count(*) OVER (PARTITION BY patient_id) > 1 AND patient_id IS NOT NULL "
        f"ORDER BY patient_id, filename, file_row_number LIMIT {_MAX_ROWS}",
        "more than one patients row has this id",
        "Give each patient one row",
    )
    for name, files in inputs.files.items():
        table = scan(files, "patient_id, filename, file_row_number")
        report(
            f"SELECT patient_id, filename, file_row_number FROM {table} WHERE patient_id IS NULL "
            f"ORDER BY filename, file_row_number LIMIT {_MAX_ROWS}",
            "the key is missing",
            "Give every row its patient_id",
        )
        if name != "patients":
            report(
                f"SELECT t.patient_id, t.filename, t.file_row_number FROM {table} t "
                f"ANTI JOIN {patients} p USING (patient_id) WHERE t.patient_id IS NOT NULL "
                f"ORDER BY t.filename, t.file_row_number LIMIT {_MAX_ROWS}",
                "no patients row has this patient_id",
                "Add the patient's row or correct the id",
            )
    con.close()
    return problems


def read_inputs(directory: str | Path, *, staging: Path) -> CohortInputs:
    """Find and check the fact files under ``directory``; CSV files are converted into
    ``staging``. Raises :class:`InputError` naming the file, column and row of every problem."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError(
            [Problem(str(root), None, "not a directory", "Give the folder holding the fact tables")]
        )
    staging.mkdir(parents=True, exist_ok=True)
    files, origin, problems = _files(root, staging)
    if problems:
        raise InputError(problems, source=str(root))
    inputs = CohortInputs(directory=root, files=files, origin=origin)
    problems = _key_problems(inputs)
    if problems:
        raise InputError(problems, source=str(root))
    return inputs

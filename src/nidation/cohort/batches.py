"""Patient batches: every fact table's rows for one slice of patients, read from the files.

A patient belongs to batch ``hash(patient_id) % batches``, so every row of a patient lands in
the same batch whatever file it sits in, and each batch is a complete small cohort for the
engine. With more than one batch the files are first split into per-batch Parquet parts in
one pass (:func:`partition_inputs`), so each batch reads only its own rows instead of
scanning every file again; a batch's tables are then conformed to the facts schema.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nidation.cohort.inputs import CohortInputs, scan
from nidation.engine.facts_check import conform, derive_transfer_embryos
from nidation.engine.facts_schema import SCHEMAS

__all__ = ["count_patients", "partition_inputs", "plan_batches", "read_batch"]


def count_patients(inputs: CohortInputs) -> int:
    """Patients rows over every patients file (from the Parquet footers)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in inputs.files["patients"])


def plan_batches(patients: int, batch_patients: int) -> int:
    """How many batches of at most about ``batch_patients`` patients."""
    return max(1, math.ceil(patients / max(1, batch_patients)))


def _select(files: list[Path], name: str, *, index: int, batches: int) -> str:
    columns = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
    where = "" if batches == 1 else f" WHERE hash(patient_id) % {batches} = {index}"
    return f"SELECT {columns} FROM {scan(files)}{where}"


def partition_inputs(
    inputs: CohortInputs, *, batches: int, folder: Path, threads: int = 2
) -> list[CohortInputs]:
    """The inputs of each of ``batches`` batches: every table written once, split by
    ``hash(patient_id) % batches`` (the rule :func:`read_batch` applies), under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config={"threads": threads})
    try:
        for name, files in inputs.files.items():
            columns = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
            target = str(folder / name).replace("'", "''")
            con.execute(
                f"COPY (SELECT {columns}, hash(patient_id) % {batches} AS _batch "
                f"FROM {scan(files)}) TO '{target}' (FORMAT parquet, PARTITION_BY (_batch))"
            )
    finally:
        con.close()
    return [
        CohortInputs(
            directory=inputs.directory,
            files={
                name: sorted((folder / name / f"_batch={index}").glob("*.parquet"))
                for name in inputs.files
            },
        )
        for index in range(batches)
    ]


def read_batch(
    inputs: CohortInputs,
    *,
    index: int,
    batches: int,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, pa.Table]:
    """The fact tables of batch ``index`` of ``batches`` (absent derived tables derived)."""
    con = connection or duckdb.connect(":memory:")
    tables: dict[str, pa.Table] = {}
    for name, files in inputs.files.items():
        if not files:  # a batch of a partitioned input without rows in this table
            tables[name] = SCHEMAS[name].empty_table()
            continue
        table = con.sql(_select(files, name, index=index, batches=batches)).to_arrow_table()
        tables[name] = conform(table, name)
    if "transfer_embryos" not in tables:
        tables["transfer_embryos"] = derive_transfer_embryos(tables["transfers"])
    return tables


def batch_patient_ids(tables: Mapping[str, pa.Table]) -> int:
    return int(tables["patients"].num_rows)

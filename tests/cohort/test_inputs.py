"""Cohort input files: Parquet or CSV, one file or a folder per table; every problem is
reported with its file, column and row."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest

from nidation.cohort.batches import read_batch
from nidation.cohort.csv_files import LIST_SEPARATOR
from nidation.cohort.inputs import read_inputs
from nidation.cohort.synth import synth_chunk
from nidation.engine.facts_schema import SCHEMAS
from nidation.errors import InputError
from nidation.knowledge import Knowledge


@pytest.fixture(scope="module")
def tables(kb: Knowledge) -> dict[str, pa.Table]:
    return synth_chunk(kb, seed=2, index=0, start=0, n=40)


def _write_parquet(tables: dict[str, pa.Table], root: Path) -> Path:
    root.mkdir()
    for name, table in tables.items():
        pq.write_table(table, root / f"{name}.parquet")
    return root


def _write_csv(tables: dict[str, pa.Table], root: Path) -> Path:
    root.mkdir()
    for name, table in tables.items():
        for index, field in enumerate(table.schema):
            if pa.types.is_list(field.type):
                joined = pc.binary_join(table[field.name], LIST_SEPARATOR)
                table = table.set_column(index, field.name, joined)
        pv.write_csv(table, root / f"{name}.csv")
    return root


def _problems(root: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_inputs(root, staging=tmp_path / "staging")
    return [str(p) for p in caught.value.problems]


def test_csv_and_parquet_inputs_give_the_same_tables(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    from_csv = read_batch(
        read_inputs(_write_csv(tables, tmp_path / "csv"), staging=staging), index=0, batches=1
    )
    folder = _write_parquet(tables, tmp_path / "pq")
    (folder / "labs").mkdir()  # one table as a folder of two files
    labs = tables["labs"]
    pq.write_table(labs.slice(0, 10), folder / "labs" / "a.parquet")
    pq.write_table(labs.slice(10), folder / "labs" / "b.parquet")
    (folder / "labs.parquet").unlink()
    from_parquet = read_batch(read_inputs(folder, staging=staging), index=0, batches=1)
    for name in SCHEMAS:
        keys = [(c, "ascending") for c in ("patient_id", "seq") if c in SCHEMAS[name].names]
        expected = tables[name].sort_by(keys) if keys else tables[name]
        for given in (from_csv[name], from_parquet[name]):
            assert (given.sort_by(keys) if keys else given).equals(expected), name


def test_batches_split_patients_without_splitting_a_patient(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    inputs = read_inputs(_write_parquet(tables, tmp_path / "pq"), staging=tmp_path)
    parts = [read_batch(inputs, index=i, batches=3) for i in range(3)]
    ids = [set(p["patients"]["patient_id"].to_pylist()) for p in parts]
    assert sum(len(s) for s in ids) == 40 and set().union(*ids) == set(
        tables["patients"]["patient_id"].to_pylist()
    )
    for part, own in zip(parts, ids, strict=True):
        assert set(part["labs"]["patient_id"].to_pylist()) <= own


def test_a_wrong_column_type_names_the_file_and_column(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    root = _write_parquet(tables, tmp_path / "pq")
    labs = tables["labs"]
    bad = labs.set_column(
        labs.schema.get_field_index("value"), "value", pc.cast(labs["value"], pa.string())
    )
    pq.write_table(bad, root / "labs.parquet")
    assert any(
        p.startswith("labs.parquet, column 'value'") and "wrong type" in p
        for p in _problems(root, tmp_path)
    )


def test_a_bad_csv_value_names_the_file_column_and_row(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    root = _write_csv(tables, tmp_path / "csv")
    lines = (root / "patients.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")
    cells[header.index('"age_years"')] = '"thirty"'
    lines[2] = ",".join(cells)
    (root / "patients.csv").write_text("\n".join(lines) + "\n")
    problems = _problems(root, tmp_path)
    assert problems == [
        "patients.csv, column 'age_years', row 3: 'thirty' — not a valid double. "
        "Give the value as double or leave it empty."
    ]


def test_orphan_and_duplicate_rows_name_the_file_and_row(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    root = _write_parquet(tables, tmp_path / "pq")
    labs = tables["labs"]
    ids = labs["patient_id"].to_pylist()
    ids[4] = "NOBODY"
    pq.write_table(labs.set_column(0, "patient_id", pa.array(ids)), root / "labs.parquet")
    patients = tables["patients"]
    pq.write_table(pa.concat_tables([patients, patients.slice(0, 1)]), root / "patients.parquet")
    problems = _problems(root, tmp_path)
    assert any(p.startswith("labs.parquet, row 4, column 'patient_id': 'NOBODY'") for p in problems)
    assert any(
        p.startswith("patients.parquet, row 40, column 'patient_id'") and "more than one" in p
        for p in problems
    )


def test_a_missing_table_is_reported(tables: dict[str, pa.Table], tmp_path: Path) -> None:
    root = _write_parquet(tables, tmp_path / "pq")
    (root / "cycles.parquet").unlink()
    (root / "transfer_embryos.parquet").unlink()  # derived: may be left out
    problems = _problems(root, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("cycles.parquet: (missing) — file missing")

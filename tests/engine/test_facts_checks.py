"""Fact tables: schema conformance, Parquet files, and validation pointing at table rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nidation.domain import (
    Case,
    Cycle,
    Embryo,
    EmbryoStage,
    LabResult,
    Limit,
    Partner,
    Patient,
    PgtA,
    Transfer,
    TransferKind,
    UnitProblem,
    ValidationContext,
)
from nidation.engine.facts import (
    SCHEMAS,
    cases_to_tables,
    read_parquet,
    tables_to_cases,
    validate_tables,
    write_parquet,
)
from nidation.errors import InputError

D = date(2024, 1, 15)


class Labs:
    def is_known(self, test: str) -> bool:
        return test == "tsh"

    def known_tests(self) -> list[str]:
        return ["tsh"]

    def loinc_matches(self, test: str, loinc: str) -> bool:
        return True

    def is_qualitative_only(self, test: str) -> bool:
        return False

    def normalise(self, test: str, value: float, unit: str | None) -> tuple[float, str]:
        if unit != "mIU/L":
            raise UnitProblem(f"unit {unit!r} is not a unit of {test}")
        return value, unit

    def plausible(self, test: str) -> Limit | None:
        return Limit("labs.tsh", "mIU/L", 0.0, 100.0)


class Limits(Mapping[str, Limit]):
    """Every plausibility key is known; only the ones given have bounds."""

    def __init__(self, **bounds: tuple[float, float]) -> None:
        self.bounds = {f"plausibility.{k}": v for k, v in bounds.items()}

    def __getitem__(self, key: str) -> Limit:
        low, high = self.bounds.get(key, (None, None))
        return Limit(key, "", low, high)

    def __iter__(self) -> Iterator[str]:
        return iter(self.bounds)

    def __len__(self) -> int:
        return len(self.bounds)


CONTEXT = ValidationContext(
    today=date(2025, 1, 1),
    limits=Limits(age_years=(15, 60), partner_age_years=(15, 90)),
    labs=Labs(),
)


def case(pid: str) -> Case:
    return Case(
        patient=Patient(id=pid, age_years=35),
        partner=Partner(age_years=40),
        cycles=(
            Cycle(
                id="C1",
                embryos=(
                    Embryo(id="E1", stage=EmbryoStage.BLASTOCYST, pgt_a=PgtA.EUPLOID),
                    Embryo(id="E2", stage=EmbryoStage.BLASTOCYST),
                ),
            ),
        ),
        transfers=(Transfer(id="T1", date=D, embryo_ids=("E1", "E2"), kind=TransferKind.FROZEN),),
        labs=(
            LabResult(test="tsh", value=2.0, unit="mIU/L", date=D),
            LabResult(test="tsh", value=3.0, unit="mIU/L", date=D),
        ),
    )


CASES = [case("P1"), case("P2")]


def tables() -> dict[str, pa.Table]:
    return cases_to_tables(CASES)


def with_column(table: pa.Table, name: str, values: list[object], kind: pa.DataType) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, pa.field(name, kind), pa.array(values, kind))


def problems_of(tables: Mapping[str, pa.Table], **kwargs: object) -> list[str]:
    with pytest.raises(InputError) as caught:
        tables_to_cases(tables, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def test_conforming_tables_have_no_problems_and_validate_with_a_context() -> None:
    assert validate_tables(tables()) == []
    assert tables_to_cases(tables(), context=CONTEXT) == CASES


def test_missing_extra_and_mistyped_columns_are_named() -> None:
    t = tables()
    labs = t["labs"].drop(["unit"]).append_column("colour", pa.array(["red"] * 4))
    labs = with_column(labs, "value", ["2"] * 4, pa.string())
    problems = validate_tables({**t, "labs": labs})
    assert [(p.path, p.value) for p in problems] == [
        ("labs.value", "string"),
        ("labs.unit", None),
        ("labs.colour", "string"),
    ]
    assert "wrong type; expected double" in problems[0].why
    assert "column missing; expected type string" in problems[1].why
    assert any("labs.value: 'string' — wrong type" in p for p in problems_of({**t, "labs": labs}))


def test_missing_and_unknown_tables_are_named() -> None:
    t = tables()
    del t["findings"]
    problems = validate_tables({**t, "results": t["labs"]})
    assert [p.path for p in problems] == ["findings", "results"]
    del t["transfer_embryos"]
    assert [p.path for p in validate_tables(t)] == ["transfer_embryos", "findings"]


def test_null_orphan_and_duplicate_patient_ids_are_named() -> None:
    t = tables()
    labs = with_column(t["labs"], "patient_id", ["P1", None, "PX", "P2"], pa.string())
    patients = t["patients"].take(pa.array([0, 1, 1]))
    problems = validate_tables({**t, "labs": labs, "patients": patients})
    assert [(p.path, p.value) for p in problems] == [
        ("patients[row 1, patient P2].patient_id", "P2"),
        ("patients[row 2, patient P2].patient_id", "P2"),
        ("labs[row 1].patient_id", None),
        ("labs[row 2, patient PX].patient_id", "PX"),
    ]
    assert problems[2].why == "the key is missing"
    assert problems[3].why == "no patients row has this patient_id"


def test_many_bad_rows_are_counted_not_all_listed() -> None:
    t = tables()
    labs = pa.concat_tables([t["labs"]] * 5)
    labs = with_column(labs, "patient_id", ["PX"] * labs.num_rows, pa.string())
    problems = validate_tables({**t, "labs": labs})
    assert len(problems) == 6
    assert (problems[-1].path, problems[-1].value) == ("labs.patient_id", "15 more rows")


def test_transfer_embryos_must_match_transfers() -> None:
    t = tables()
    te = with_column(t["transfer_embryos"], "embryo_id", ["E1", "E9", "E1", "E2"], pa.string())
    problems = validate_tables({**t, "transfer_embryos": te})
    assert [p.path for p in problems] == ["transfer_embryos"]
    reordered = t["transfer_embryos"].take(pa.array([3, 2, 1, 0]))
    assert validate_tables({**t, "transfer_embryos": reordered}) == []


def test_losslessly_widening_types_are_accepted() -> None:
    t = tables()
    labs = t["labs"].cast(
        pa.schema(
            [
                pa.field(f.name, pa.int32())
                if f.name == "seq"
                else pa.field(f.name, pa.large_string())
                if f.type == pa.string()
                else f
                for f in SCHEMAS["labs"]
            ]
        )
    )
    labs = with_column(labs, "laboratory", [None] * 4, pa.null())
    labs = with_column(labs, "value", [2, 3, 2, 3], pa.int16())
    pregnancies = t["pregnancies"]
    assert validate_tables({**t, "labs": labs}) == []
    assert tables_to_cases({**t, "labs": labs, "pregnancies": pregnancies}) == CASES


def test_registry_style_tables_fill_in_what_they_lack() -> None:
    t = tables()
    patients = with_column(t["patients"], "has_partner", [None, None], pa.bool_())
    patients = with_column(patients, "partner_age_years", [40.0, None], pa.float64())
    embryos = with_column(t["embryos"], "seq_in_cycle", [None] * 4, pa.int64())
    embryos = with_column(embryos, "pgt_a", ["euploid", None, "euploid", None], pa.string())
    labs = with_column(t["labs"], "seq", [None] * 4, pa.int64())
    got = tables_to_cases({**t, "patients": patients, "embryos": embryos, "labs": labs})
    assert got[0] == CASES[0]
    assert got[1].partner is None
    assert got[1].model_copy(update={"partner": CASES[1].partner}) == CASES[1]


def test_problems_point_at_table_rows_with_a_context() -> None:
    t = tables()
    labs = with_column(t["labs"], "value", [2.0, 2.0, 2.0, 500.0], pa.float64())
    labs = with_column(labs, "unit", ["mIU/L", "g", "mIU/L", "mIU/L"], pa.string())
    patients = with_column(t["patients"], "partner_age_years", [40.0, 120.0], pa.float64())
    patients = with_column(patients, "karyotype_iscn", ["46,XX", None], pa.string())
    bad = {**t, "labs": labs, "patients": patients}
    paths = [p.split(":")[0] for p in problems_of(bad, context=CONTEXT)]
    assert paths == [
        "patients[row 0, patient P1].karyotype_result",
        "labs[row 1, patient P1].unit",
        "patients[row 1, patient P2].partner_age_years",
        "labs[row 3, patient P2].value",
    ]


def test_cross_record_problems_point_at_table_rows() -> None:
    t = tables()
    kind = t["transfers"].schema.field("embryo_ids").type
    transfers = with_column(t["transfers"], "embryo_ids", [["E1", "E2"], ["E2", "E7"]], kind)
    bad = {**t, "transfers": transfers}
    del bad["transfer_embryos"]
    problems = problems_of(bad, context=CONTEXT)
    assert [p.split(":")[0] for p in problems] == ["transfers[row 1, patient P2].embryo_ids[1]"]
    assert "'E7' — no embryo has this id" in problems[0]


def test_problems_point_at_table_rows_without_a_context() -> None:
    t = tables()
    embryos = with_column(t["embryos"], "stage", ["blastocyst", "egg", None, "morula"], pa.string())
    embryos = with_column(embryos, "cycle_id", ["C1", "C1", "C1", "C9"], pa.string())
    patients = with_column(t["patients"], "has_partner", [False, True], pa.bool_())
    problems = problems_of({**t, "embryos": embryos, "patients": patients})
    assert [p.split(":")[0] for p in problems] == [
        "patients[row 0, patient P1].has_partner",
        "embryos[row 1, patient P1].stage",
        "embryos[row 2, patient P2].stage",
        "embryos[row 3, patient P2].cycle_id",
    ]
    assert "'egg'" in problems[1]
    assert "(missing)" in problems[2]
    assert "'C9' — no cycle of this patient has this id" in problems[3]


def test_parquet_round_trip_and_derived_table(tmp_path: Path) -> None:
    write_parquet(tables(), tmp_path)
    (tmp_path / "transfer_embryos.parquet").unlink()
    back = read_parquet(tmp_path)
    assert back["transfer_embryos"].equals(tables()["transfer_embryos"])
    assert tables_to_cases(back, context=CONTEXT) == CASES


def test_parquet_files_are_checked_by_name_and_column(tmp_path: Path) -> None:
    write_parquet(tables(), tmp_path)
    (tmp_path / "allergies.parquet").unlink()
    (tmp_path / "findings.parquet").write_bytes(b"not parquet")
    labs = with_column(tables()["labs"], "value", ["2"] * 4, pa.string())
    pq.write_table(labs, tmp_path / "labs.parquet")
    with pytest.raises(InputError) as caught:
        read_parquet(tmp_path)
    problems = caught.value.problems
    assert caught.value.source == str(tmp_path)
    assert [(p.path, p.value) for p in problems] == [
        ("labs.parquet, column 'value'", "string"),
        ("findings.parquet", None),
        ("allergies.parquet", None),
    ]
    assert problems[1].why.startswith("not a readable Parquet file")
    assert problems[2].why == "file missing"


def test_parquet_rows_are_checked_too(tmp_path: Path) -> None:
    write_parquet(tables(), tmp_path)
    labs = with_column(tables()["labs"], "patient_id", ["P1", "P1", "P3", "P2"], pa.string())
    pq.write_table(labs, tmp_path / "labs.parquet")
    with pytest.raises(InputError) as caught:
        read_parquet(tmp_path)
    assert [p.path for p in caught.value.problems] == ["labs[row 2, patient P3].patient_id"]


def test_write_parquet_refuses_nonconforming_tables(tmp_path: Path) -> None:
    t = tables()
    with pytest.raises(InputError) as caught:
        write_parquet({**t, "labs": t["labs"].drop(["test"])}, tmp_path / "out")
    assert [p.path for p in caught.value.problems] == ["labs.test"]
    assert not (tmp_path / "out").exists()

"""Fact tables: lossless round trips, layout, derived columns, cohorts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from pydantic import BaseModel

from nidation.domain import (
    Allergy,
    Case,
    Cd138Denominator,
    Conception,
    Condition,
    ConditionStatus,
    Cycle,
    Embryo,
    EmbryoStage,
    EndometriosisStage,
    Finding,
    FindingKind,
    FindingMethod,
    Insemination,
    Karyotype,
    KaryotypeResult,
    LabResult,
    Limit,
    Medication,
    OocyteSource,
    Partner,
    Patient,
    PgtA,
    PocGenetics,
    Pregnancy,
    PregnancyComplication,
    PregnancyOutcome,
    Qualitative,
    Side,
    Smoking,
    TherapyRequest,
    Transfer,
    TransferKind,
    TransferOutcome,
    UnitProblem,
)
from nidation.domain import (
    TestRequest as LabRequest,
)
from nidation.engine.facts import (
    SCHEMAS,
    case_to_tables,
    cases_to_tables,
    read_parquet,
    tables_to_cases,
    write_parquet,
)
from nidation.engine.facts_schema import DERIVED_COLUMNS, FIELDS
from nidation.errors import InputError

D = date(2024, 1, 15)


def full_case(pid: str = "P1") -> Case:
    """Every record kind, every optional field set."""
    karyotype = Karyotype(
        result=KaryotypeResult.BALANCED_REARRANGEMENT, iscn="46,XX,t(1;2)", date=D
    )
    return Case(
        as_of=date(2024, 6, 1),
        patient=Patient(
            id=pid,
            birth_date=date(1986, 3, 2),
            age_years=38.2,
            height_cm=165.0,
            weight_kg=60.5,
            bmi_kg_m2=22.2,
            smoking=Smoking.FORMER,
            cigarettes_per_day=0.0,
            alcohol_units_per_week=2.5,
            caffeine_mg_per_day=150.0,
            karyotype=karyotype,
        ),
        partner=Partner(
            age_years=40.0,
            karyotype=Karyotype(result=KaryotypeResult.NORMAL, iscn="46,XY", date=D),
            sperm_dna_fragmentation_pct=31.5,
            sperm_dna_fragmentation_method="SCSA",
        ),
        pregnancies=(
            Pregnancy(
                id="preg-1",
                conception=Conception.IVF_FROZEN,
                outcome=PregnancyOutcome.MISCARRIAGE,
                end_date=date(2022, 5, 1),
                gestational_age_weeks=9,
                gestational_age_days=3,
                intrauterine_sac_seen=True,
                fetal_heart_seen=False,
                fetal_morphology_normal=True,
                poc_genetics=PocGenetics.ANEUPLOID,
                poc_genetics_detail="47,XX,+16",
                bleeding_in_early_pregnancy=True,
                complications=(
                    PregnancyComplication.PRETERM_BIRTH,
                    PregnancyComplication.CERVICAL_INSUFFICIENCY,
                ),
                maternal_age_years=36.1,
                notes="café — ünïcode",
            ),
            Pregnancy(id="preg-2", outcome=PregnancyOutcome.BIOCHEMICAL_LOSS),
        ),
        cycles=(
            Cycle(
                id="C1",
                retrieval_date=date(2022, 2, 1),
                age_at_retrieval_years=35.9,
                oocyte_source=OocyteSource.DONOR,
                donor_age_years=27.0,
                insemination=Insemination.ICSI,
                oocytes_retrieved=12,
                embryos=(
                    Embryo(
                        id="E2",
                        day=5,
                        stage=EmbryoStage.BLASTOCYST,
                        grade="4AA",
                        grading_system="Gardner",
                        pgt_a=PgtA.EUPLOID,
                    ),
                    Embryo(id="E1", stage=EmbryoStage.CLEAVAGE),
                ),
            ),
            Cycle(id="C2"),
            Cycle(id="C3", embryos=(Embryo(id="E3", stage=EmbryoStage.MORULA),)),
        ),
        transfers=(
            Transfer(
                id="T1",
                date=date(2022, 3, 1),
                embryo_ids=("E2", "E1"),
                kind=TransferKind.FROZEN,
                endometrial_thickness_mm=8.5,
                outcome=TransferOutcome.CLINICAL_PREGNANCY,
                pregnancy_id="preg-1",
            ),
            Transfer(id="T2", date=date(2022, 9, 1), embryo_ids=("E3",), kind=TransferKind.FRESH),
        ),
        labs=(
            LabResult(
                id="L1",
                test="tsh",
                loinc="3016-3",
                value=2.5,
                unit="mIU/L",
                qualitative=Qualitative.NEGATIVE,
                reference_low=0.4,
                reference_high=4.0,
                date=D,
                laboratory="Central lab",
            ),
            LabResult(test="lupus_anticoagulant", qualitative=Qualitative.POSITIVE, date=D),
            LabResult(test="tsh", value=2500.0, unit="uIU/mL", date=D),
        ),
        findings=(
            Finding(
                id="F1",
                kind=FindingKind.FIBROID,
                present=True,
                date=D,
                method=FindingMethod.HYSTEROSCOPY,
                eshre_esge_class="U2a",
                cervix_class="C0",
                vagina_class="V0",
                figo_type="2-5",
                size_mm=22.0,
                side=Side.LEFT,
                cd138_count=3.0,
                cd138_denominator=Cd138Denominator.PER_10_HPF,
                endometriosis_stage=EndometriosisStage.II,
                endometrial_thickness_mm=6.0,
                lactobacillus_pct=80.0,
                notes="several findings",
            ),
            Finding(kind=FindingKind.POLYP, present=False),
        ),
        conditions=(
            Condition(
                code="hypothyroidism", status=ConditionStatus.RESOLVED, onset_date=D, detail="x"
            ),
            Condition(code="pcos"),
        ),
        medications=(
            Medication(
                code="levothyroxine", dose="50 ug daily", start_date=D, end_date=D, current=False
            ),
            Medication(code="folic_acid"),
        ),
        allergies=(Allergy(code="penicillin", reaction="rash"), Allergy(code="latex")),
        requested_tests=(LabRequest(test="tsh", date=D), LabRequest(test="tpo_antibodies")),
        requested_therapies=(
            TherapyRequest(therapy="progesterone", protocol="Clinic A luteal", date=D),
            TherapyRequest(therapy="lmwh"),
        ),
    )


def minimal_case(pid: str = "P0") -> Case:
    """Nothing optional set: every None must stay None, every tuple empty."""
    return Case(patient=Patient(id=pid))


def bare_partner_case(pid: str = "P2") -> Case:
    """A partner with no known detail, and karyotypes with only their result."""
    return Case(
        patient=Patient(id=pid, karyotype=Karyotype(result=KaryotypeResult.NORMAL)),
        partner=Partner(),
    )


CASES = [full_case(), minimal_case(), bare_partner_case()]


class FakeLabs:
    """A laboratory catalogue knowing TSH in mIU/L (and uIU/mL, 1000× smaller)."""

    def is_known(self, test: str) -> bool:
        return test in {"tsh", "lupus_anticoagulant", "tpo_antibodies"}

    def known_tests(self) -> list[str]:
        return ["lupus_anticoagulant", "tpo_antibodies", "tsh"]

    def loinc_matches(self, test: str, loinc: str) -> bool:
        return True

    def is_qualitative_only(self, test: str) -> bool:
        return test == "lupus_anticoagulant"

    def normalise(self, test: str, value: float, unit: str | None) -> tuple[float, str]:
        factors = {"mIU/L": 1.0, "uIU/mL": 1.0, "mIU/mL": 1000.0}
        if unit not in factors:
            raise UnitProblem(f"unit {unit!r} is not a unit of {test}")
        return value * factors[unit], "mIU/L"

    def plausible(self, test: str) -> Limit | None:
        return Limit("labs.tsh", "mIU/L", 0.0, 100.0) if test == "tsh" else None


class FakeKnowledge:
    labs = FakeLabs()


@pytest.mark.parametrize("case", CASES, ids=["full", "minimal", "bare-partner"])
def test_case_to_tables_and_back_is_lossless(case: Case) -> None:
    tables = case_to_tables(case)
    assert tables_to_cases(tables) == [case]


@pytest.mark.parametrize("case", CASES, ids=["full", "minimal", "bare-partner"])
def test_round_trip_through_parquet_is_lossless(case: Case, tmp_path: Path) -> None:
    write_parquet(case_to_tables(case, knowledge=FakeKnowledge()), tmp_path / "facts")
    assert sorted(p.name for p in (tmp_path / "facts").iterdir()) == sorted(
        f"{name}.parquet" for name in SCHEMAS
    )
    tables = read_parquet(tmp_path / "facts")
    assert tables_to_cases(tables) == [case]
    original = case_to_tables(case, knowledge=FakeKnowledge())
    for name, table in tables.items():
        assert table.equals(original[name]), name


def test_every_table_has_its_schema_and_every_domain_field_a_column() -> None:
    tables = case_to_tables(full_case())
    assert set(tables) == set(SCHEMAS)
    for name, table in tables.items():
        assert table.schema.equals(SCHEMAS[name]), name
        assert not SCHEMAS[name].field("patient_id").nullable
    models: dict[str, type[BaseModel]] = {
        "pregnancies": Pregnancy,
        "cycles": Cycle,
        "embryos": Embryo,
        "transfers": Transfer,
        "labs": LabResult,
        "findings": Finding,
        "conditions": Condition,
        "medications": Medication,
        "allergies": Allergy,
        "requested_tests": LabRequest,
        "requested_therapies": TherapyRequest,
    }
    for name, model in models.items():
        fields = set(model.model_fields) - {"embryos"}
        assert set(FIELDS[name]) == fields, name
    patient_columns = set(SCHEMAS["patients"].names)
    assert {f for f in Patient.model_fields if f not in {"id", "karyotype"}} <= patient_columns
    assert {f"partner_{f}" for f in Partner.model_fields if f != "karyotype"} <= patient_columns
    for prefix in ("karyotype_", "partner_karyotype_"):
        assert {prefix + f for f in Karyotype.model_fields} <= patient_columns
    assert DERIVED_COLUMNS["labs"] == ("value_canonical", "unit_canonical")


def test_columns_hold_strings_for_enums_and_keep_order() -> None:
    tables = case_to_tables(full_case())
    preg = tables["pregnancies"].to_pylist()
    assert [p["seq"] for p in preg] == [0, 1]
    assert preg[0]["outcome"] == "miscarriage"
    assert preg[0]["complications"] == ["preterm_birth", "cervical_insufficiency"]
    assert preg[1]["complications"] == []
    embryos = tables["embryos"].select(["cycle_id", "seq_in_cycle", "id", "pgt_a"]).to_pylist()
    assert embryos == [
        {"cycle_id": "C1", "seq_in_cycle": 0, "id": "E2", "pgt_a": "euploid"},
        {"cycle_id": "C1", "seq_in_cycle": 1, "id": "E1", "pgt_a": "untested"},
        {"cycle_id": "C3", "seq_in_cycle": 0, "id": "E3", "pgt_a": "untested"},
    ]
    assert tables["transfers"]["embryo_ids"].to_pylist() == [["E2", "E1"], ["E3"]]
    assert tables["transfer_embryos"].drop(["patient_id"]).to_pylist() == [
        {"transfer_id": "T1", "position": 0, "embryo_id": "E2"},
        {"transfer_id": "T1", "position": 1, "embryo_id": "E1"},
        {"transfer_id": "T2", "position": 0, "embryo_id": "E3"},
    ]
    patient = tables["patients"].to_pylist()[0]
    assert patient["karyotype_result"] == "balanced_rearrangement"
    assert patient["partner_karyotype_iscn"] == "46,XY"
    assert patient["has_partner"] is True
    assert patient["schema_version"] == "1"


def test_missing_values_stay_null_and_empty_lists_have_no_rows() -> None:
    tables = case_to_tables(minimal_case())
    row = tables["patients"].to_pylist()[0]
    assert row["patient_id"] == "P0"
    assert row["has_partner"] is False
    assert row["schema_version"] == "1"
    assert all(
        v is None
        for k, v in row.items()
        if k not in {"patient_id", "has_partner"} | {"schema_version"}
    )
    assert all(tables[name].num_rows == 0 for name in SCHEMAS if name != "patients")
    bare = case_to_tables(bare_partner_case())["patients"].to_pylist()[0]
    assert bare["has_partner"] is True
    assert bare["partner_age_years"] is None
    assert bare["karyotype_result"] == "normal"
    assert bare["karyotype_iscn"] is None


def test_canonical_lab_values_come_from_the_knowledge_base() -> None:
    without = case_to_tables(full_case())["labs"]
    assert without["value_canonical"].null_count == 3
    assert without["unit_canonical"].null_count == 3
    labs = case_to_tables(full_case(), knowledge=FakeKnowledge())["labs"]
    assert labs.select(["value", "unit", "value_canonical", "unit_canonical"]).to_pylist() == [
        {"value": 2.5, "unit": "mIU/L", "value_canonical": 2.5, "unit_canonical": "mIU/L"},
        {"value": None, "unit": None, "value_canonical": None, "unit_canonical": None},
        {"value": 2500.0, "unit": "uIU/mL", "value_canonical": 2500.0, "unit_canonical": "mIU/L"},
    ]
    odd = Case(patient=Patient(id="P"), labs=(LabResult(test="tsh", value=1, unit="g", date=D),))
    row = case_to_tables(odd, knowledge=FakeKnowledge())["labs"].to_pylist()[0]
    assert (row["value"], row["unit"], row["value_canonical"]) == (1.0, "g", None)


def test_three_cases_come_back_in_the_same_order() -> None:
    cases = [full_case("P9"), minimal_case("P1"), bare_partner_case("P5")]
    tables = cases_to_tables(cases)
    assert tables["patients"]["patient_id"].to_pylist() == ["P9", "P1", "P5"]
    assert tables_to_cases(tables) == cases
    assert cases_to_tables([]) == {name: SCHEMAS[name].empty_table() for name in SCHEMAS}
    assert tables_to_cases(cases_to_tables([])) == []


def test_rows_in_any_order_give_the_same_cases() -> None:
    cases = [full_case("P9"), full_case("P1"), bare_partner_case("P5")]
    tables = cases_to_tables(cases)
    shuffled = {name: t.take(pa.array(range(t.num_rows - 1, -1, -1))) for name, t in tables.items()}
    shuffled["patients"] = tables["patients"]
    assert tables_to_cases(shuffled) == cases
    assert (
        tables_to_cases({**tables, "patients": tables["patients"].take(pa.array([2, 1, 0]))})
        == cases[::-1]
    )


def test_the_same_patient_twice_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        cases_to_tables([minimal_case("P1"), full_case("P1")])
    assert caught.value.problems[0].path == "cases[1].patient.id"
    assert "cases[0]" in caught.value.problems[0].why


def test_two_cycles_with_one_id_and_embryos_are_refused() -> None:
    embryo = Embryo(id="E1", stage=EmbryoStage.BLASTOCYST)
    case = Case(patient=Patient(id="P"), cycles=(Cycle(id="C"), Cycle(id="C", embryos=(embryo,))))
    with pytest.raises(InputError) as caught:
        case_to_tables(case)
    assert [p.path for p in caught.value.problems] == ["cycles[1].id"]
    without_embryos = Case(patient=Patient(id="P"), cycles=(Cycle(id="C"), Cycle(id="C")))
    assert tables_to_cases(case_to_tables(without_embryos)) == [without_embryos]


def test_a_number_too_large_for_its_column_is_refused_not_crashed() -> None:
    huge = Pregnancy(id="p", outcome=PregnancyOutcome.LIVE_BIRTH, gestational_age_weeks=2**70)
    with pytest.raises(InputError) as caught:
        case_to_tables(Case(patient=Patient(id="P"), pregnancies=(huge,)))
    assert caught.value.problems[0].path == "pregnancies"
    assert "cannot be stored in its schema" in caught.value.problems[0].why


def test_each_distinct_reading_is_normalised_once_per_conversion() -> None:
    calls: list[tuple[str, float, str | None]] = []

    class Counting(FakeLabs):
        def normalise(self, test: str, value: float, unit: str | None) -> tuple[float, str]:
            calls.append((test, value, unit))
            return super().normalise(test, value, unit)

    class Knowledge:
        labs = Counting()

    cases = [full_case(f"P{i}") for i in range(5)]
    tables = cases_to_tables(cases, knowledge=Knowledge())
    assert sorted(calls) == [("tsh", 2.5, "mIU/L"), ("tsh", 2500.0, "uIU/mL")]
    singles = [case_to_tables(c, knowledge=FakeKnowledge())["labs"] for c in cases]
    assert tables["labs"].equals(pa.concat_tables(singles))

"""Cross-record checks: identifiers, references, order of dates, contradictions."""

from __future__ import annotations

from datetime import date

import pytest

from nidation.domain import PregnancyOutcome, TransferOutcome, ValidationContext
from tests.domain.cases import Doc, accept, case, ivf, refuse, refused_at, transfer
from tests.strategies import LINKABLE


def test_a_minimal_case_is_accepted(ctx: ValidationContext) -> None:
    parsed = accept(case(), ctx)
    assert parsed.patient.id == "P1"
    assert parsed.pregnancies == ()


def test_every_problem_is_reported_at_once(ctx: ValidationContext) -> None:
    doc = ivf(
        pregnancies=[
            {"id": "g1", "outcome": "biochemical_loss", "fetal_heart_seen": True},
            {"id": "g1", "outcome": "miscarriage"},
        ],
        transfers=[transfer(embryo_ids=["e9"], outcome="negative_hcg")],
    )
    paths = sorted(p.path for p in refuse(doc, ctx))
    assert paths == [
        "pregnancies[0].fetal_heart_seen",
        "pregnancies[0].id",
        "pregnancies[1].id",
        "transfers[0].embryo_ids[0]",
    ]


# --- identifiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "records"),
    [
        ("pregnancies", [{"id": "x", "outcome": "miscarriage"}, {"id": "x", "outcome": "ongoing"}]),
        ("cycles", [{"id": "x"}, {"id": "x"}]),
    ],
)
def test_ids_are_unique_within_their_list(
    ctx: ValidationContext, field: str, records: list[Doc]
) -> None:
    problems = refuse(case(**{field: records}), ctx)
    assert [p.path for p in problems] == [f"{field}[0].id", f"{field}[1].id"]
    assert all("the same id is used twice" in p.why for p in problems)


def test_transfer_ids_are_unique(ctx: ValidationContext) -> None:
    doc = ivf(transfers=[transfer(kind="frozen"), transfer(embryo_ids=["e2"], kind="frozen")])
    assert [p.path for p in refuse(doc, ctx)] == ["transfers[0].id", "transfers[1].id"]


def test_embryo_ids_are_unique_across_cycles(ctx: ValidationContext) -> None:
    doc = case(
        cycles=[
            {"id": "c1", "embryos": [{"id": "e1", "stage": "blastocyst"}]},
            {"id": "c2", "embryos": [{"id": "e1", "stage": "blastocyst"}]},
        ]
    )
    paths = [p.path for p in refuse(doc, ctx)]
    assert paths == ["cycles[0].embryos[0].id", "cycles[1].embryos[0].id"]


# --- patient --------------------------------------------------------------------------------


def test_age_and_birth_date_must_agree_within_a_year(ctx: ValidationContext) -> None:
    def doc(age: float) -> Doc:
        return case(
            as_of="2026-03-14", patient={"id": "P", "birth_date": "1990-03-14", "age_years": age}
        )

    accept(doc(36.0), ctx)
    accept(doc(35.2), ctx)
    problem = refused_at(doc(34.5), ctx, "patient.age_years")
    assert "does not match birth_date 1990-03-14" in problem.why


@pytest.mark.parametrize(("smoking", "ok"), [("never", False), ("former", True), ("current", True)])
def test_cigarettes_contradict_never_smoking(
    ctx: ValidationContext, smoking: str, ok: bool
) -> None:
    doc = case(patient={"id": "P", "smoking": smoking, "cigarettes_per_day": 5})
    if ok:
        accept(doc, ctx)
    else:
        refused_at(doc, ctx, "patient.cigarettes_per_day")
    accept(case(patient={"id": "P", "smoking": "never", "cigarettes_per_day": 0}), ctx)


# --- pregnancies ----------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["biochemical_loss", "pregnancy_of_unknown_location"])
@pytest.mark.parametrize("field", ["intrauterine_sac_seen", "fetal_heart_seen"])
def test_never_visualised_pregnancies_cannot_have_ultrasound_findings(
    ctx: ValidationContext, outcome: str, field: str
) -> None:
    def doc(seen: bool | None) -> Doc:
        return case(pregnancies=[{"id": "g1", "outcome": outcome, field: seen}])

    accept(doc(False), ctx)
    accept(doc(None), ctx)
    problem = refused_at(doc(True), ctx, f"pregnancies[0].{field}")
    assert f"contradicts outcome '{outcome}'" in problem.why


def test_a_miscarriage_may_have_had_a_fetal_heart(ctx: ValidationContext) -> None:
    accept(
        case(pregnancies=[{"id": "g1", "outcome": "miscarriage", "fetal_heart_seen": True}]), ctx
    )


def test_gestational_days_need_weeks(ctx: ValidationContext) -> None:
    accept(
        case(
            pregnancies=[
                {
                    "id": "g",
                    "outcome": "miscarriage",
                    "gestational_age_weeks": 8,
                    "gestational_age_days": 3,
                }
            ]
        ),
        ctx,
    )
    doc = case(pregnancies=[{"id": "g", "outcome": "miscarriage", "gestational_age_days": 3}])
    refused_at(doc, ctx, "pregnancies[0].gestational_age_days")


def _ongoing(**fields: object) -> Doc:
    return case(pregnancies=[{"id": "g", "outcome": "ongoing", **fields}])


def test_a_cervical_length_comes_with_the_week_of_its_scan(ctx: ValidationContext) -> None:
    accept(_ongoing(gestational_age_weeks=20, cervical_length_mm=22, cervical_length_weeks=18), ctx)
    problem = refused_at(_ongoing(cervical_length_mm=22), ctx, "pregnancies[0].cervical_length_mm")
    assert "cervical_length_weeks" in problem.why
    problem = refused_at(
        _ongoing(cervical_length_weeks=18), ctx, "pregnancies[0].cervical_length_weeks"
    )
    assert "cervical_length_mm" in problem.why


def test_a_cervical_scan_is_not_after_the_pregnancys_week(ctx: ValidationContext) -> None:
    doc = _ongoing(gestational_age_weeks=15, cervical_length_mm=30, cervical_length_weeks=16)
    problem = refused_at(doc, ctx, "pregnancies[0].cervical_length_weeks")
    assert "15 weeks" in problem.why


def test_a_cervical_length_needs_a_visualised_pregnancy(ctx: ValidationContext) -> None:
    doc = case(
        pregnancies=[
            {
                "id": "g",
                "outcome": "biochemical_loss",
                "cervical_length_mm": 30,
                "cervical_length_weeks": 5,
            }
        ]
    )
    problems = refuse(doc, ctx)
    assert "pregnancies[0].cervical_length_mm" in [p.path for p in problems]


@pytest.mark.parametrize("value", [0.5, 120])
def test_an_implausible_cervical_length_is_refused(ctx: ValidationContext, value: float) -> None:
    doc = _ongoing(gestational_age_weeks=20, cervical_length_mm=value, cervical_length_weeks=18)
    problem = refused_at(doc, ctx, "pregnancies[0].cervical_length_mm")
    assert "plausibility.cervical_length_mm" in problem.why


# --- cycles and transfers -------------------------------------------------------------------


def test_donor_age_only_with_donor_oocytes(ctx: ValidationContext) -> None:
    accept(case(cycles=[{"id": "c1", "oocyte_source": "donor", "donor_age_years": 25}]), ctx)
    problem = refused_at(
        case(cycles=[{"id": "c1", "donor_age_years": 25}]), ctx, "cycles[0].donor_age_years"
    )
    assert "own oocytes" in problem.why


def test_a_transfer_names_existing_embryos(ctx: ValidationContext) -> None:
    accept(ivf(transfers=[transfer(embryo_ids=["e1", "e2"])]), ctx)
    problem = refused_at(
        ivf(transfers=[transfer(embryo_ids=["e1", "e7"])]), ctx, "transfers[0].embryo_ids[1]"
    )
    assert problem.value == "e7"
    assert "no embryo has this id" in problem.why


def test_an_embryo_is_transferred_once(ctx: ValidationContext) -> None:
    doc = ivf(transfers=[transfer(), transfer(id="t2", date="2024-05-01", kind="frozen")])
    problem = refused_at(doc, ctx, "transfers[1].embryo_ids[0]")
    assert "already transferred in t1" in problem.why


def test_a_transfer_follows_the_retrieval(ctx: ValidationContext) -> None:
    accept(ivf(transfers=[transfer(date="2024-02-01")]), ctx)
    problem = refused_at(ivf(transfers=[transfer(date="2024-01-31")]), ctx, "transfers[0].date")
    assert "before the oocyte retrieval of cycle 'c1'" in problem.why


def _linked(transfer_outcome: str, pregnancy_outcome: str, **pregnancy: object) -> Doc:
    return ivf(
        pregnancies=[{"id": "g1", "outcome": pregnancy_outcome, **pregnancy}],
        transfers=[transfer(outcome=transfer_outcome, pregnancy_id="g1")],
    )


@pytest.mark.parametrize("transfer_outcome", list(LINKABLE))
@pytest.mark.parametrize("pregnancy_outcome", list(PregnancyOutcome))
def test_a_positive_transfer_links_a_pregnancy_of_a_matching_outcome(
    ctx: ValidationContext, transfer_outcome: TransferOutcome, pregnancy_outcome: PregnancyOutcome
) -> None:
    doc = _linked(transfer_outcome.value, pregnancy_outcome.value)
    if pregnancy_outcome in LINKABLE[transfer_outcome]:
        accept(doc, ctx)
    else:
        problem = refused_at(doc, ctx, "transfers[0].outcome")
        assert (
            f"contradicts the linked pregnancy's outcome '{pregnancy_outcome.value}'" in problem.why
        )


@pytest.mark.parametrize("outcome", [o.value for o in LINKABLE])
def test_a_positive_transfer_must_link_its_pregnancy(ctx: ValidationContext, outcome: str) -> None:
    problem = refused_at(
        ivf(transfers=[transfer(outcome=outcome)]), ctx, "transfers[0].pregnancy_id"
    )
    assert "must link its pregnancy" in problem.why


@pytest.mark.parametrize("outcome", [None, "negative_hcg"])
def test_a_negative_or_pending_transfer_has_no_pregnancy(
    ctx: ValidationContext, outcome: str | None
) -> None:
    accept(ivf(transfers=[transfer(outcome=outcome)]), ctx)
    doc = ivf(
        pregnancies=[{"id": "g1", "outcome": "miscarriage"}],
        transfers=[transfer(outcome=outcome, pregnancy_id="g1")],
    )
    problem = refused_at(doc, ctx, "transfers[0].pregnancy_id")
    assert "cannot have a pregnancy" in problem.why


def test_a_link_names_an_existing_pregnancy(ctx: ValidationContext) -> None:
    doc = ivf(transfers=[transfer(outcome="clinical_pregnancy", pregnancy_id="g404")])
    problem = refused_at(doc, ctx, "transfers[0].pregnancy_id")
    assert "no pregnancy has this id" in problem.why


def test_the_pregnancy_cannot_end_before_its_transfer(ctx: ValidationContext) -> None:
    accept(_linked("clinical_pregnancy", "miscarriage", end_date="2024-02-06"), ctx)
    doc = _linked("clinical_pregnancy", "miscarriage", end_date="2024-02-05")
    problem = refused_at(doc, ctx, "transfers[0].date")
    assert "after the end of the pregnancy it led to (2024-02-05)" in problem.why


# --- codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "attr", "valueset"),
    [
        ("conditions", "code", "conditions"),
        ("medications", "code", "medications"),
        ("allergies", "code", "allergies"),
        ("requested_therapies", "therapy", "therapies"),
    ],
)
def test_codes_come_from_the_knowledge_base(
    ctx: ValidationContext, field: str, attr: str, valueset: str
) -> None:
    known = sorted(ctx.codes[valueset])
    assert known, f"the '{valueset}' value set is empty"
    accept(case(**{field: [{attr: known[0]}]}), ctx)
    problem = refused_at(case(**{field: [{attr: "no_such_code"}]}), ctx, f"{field}[0].{attr}")
    assert f"not a key of the '{valueset}' value set" in problem.why


def test_requested_tests_come_from_the_lab_catalogue(ctx: ValidationContext) -> None:
    known = ctx.labs.known_tests()[0]
    accept(case(requested_tests=[{"test": known}]), ctx)
    refused_at(case(requested_tests=[{"test": "no_such_test"}]), ctx, "requested_tests[0].test")


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (
            case(pregnancies=[{"id": "g", "outcome": "miscarriage", "end_date": "1980-01-01"}]),
            "pregnancies[0].end_date",
        ),
        (case(cycles=[{"id": "c", "retrieval_date": "1980-01-01"}]), "cycles[0].retrieval_date"),
        (
            case(labs=[{"test": "tsh", "qualitative": "negative", "date": "1980-01-01"}]),
            "labs[0].date",
        ),
        (
            case(findings=[{"kind": "polyp", "present": False, "date": "1980-01-01"}]),
            "findings[0].date",
        ),
    ],
)
def test_nothing_happens_before_birth(ctx: ValidationContext, doc: Doc, path: str) -> None:
    problem = refused_at(doc, ctx, path)
    assert "before the patient's date of birth (1988-03-14)" in problem.why


def test_nothing_happens_after_the_as_of_date(ctx: ValidationContext) -> None:
    doc = case(
        as_of="2024-01-01", labs=[{"test": "tsh", "qualitative": "negative", "date": "2024-01-02"}]
    )
    problem = refused_at(doc, ctx, "labs[0].date")
    assert "after the record's as_of date (2024-01-01)" in problem.why
    doc["labs"][0]["date"] = "2024-01-01"
    accept(doc, ctx)


def test_nothing_is_dated_after_today(ctx: ValidationContext) -> None:
    tomorrow = ctx.today.toordinal() + 1
    doc = case(
        labs=[
            {
                "test": "tsh",
                "qualitative": "negative",
                "date": date.fromordinal(tomorrow).isoformat(),
            }
        ]
    )
    problem = refused_at(doc, ctx, "labs[0].date")
    assert f"after today ({ctx.today})" in problem.why
    doc["labs"][0]["date"] = ctx.today.isoformat()
    accept(doc, ctx)


# --- "none known" statements and pregnancy excluded -----------------------------------------


@pytest.mark.parametrize(
    ("flag", "field", "records"),
    [
        ("no_known_conditions", "conditions", [{"code": "hit_history", "status": "resolved"}]),
        ("no_known_allergies", "allergies", [{"code": "egg"}]),
        ("no_current_medications", "medications", [{"code": "aspirin"}]),
    ],
)
def test_a_none_known_statement_contradicted_by_the_list_is_refused(
    ctx: ValidationContext, flag: str, field: str, records: list[Doc]
) -> None:
    problems = refuse(case(**{flag: True, field: records}), ctx)
    assert [p.path for p in problems] == [flag]
    assert "also lists 1" in problems[0].why


def test_none_known_statements_are_accepted_with_empty_lists(ctx: ValidationContext) -> None:
    doc = case(
        no_known_conditions=True,
        no_known_allergies=True,
        no_current_medications=True,
        medications=[{"code": "aspirin", "current": False}],  # past medication: no contradiction
    )
    parsed = accept(doc, ctx)
    assert parsed.no_known_allergies and parsed.no_known_conditions
    assert parsed.no_current_medications


def test_not_stated_is_the_default(ctx: ValidationContext) -> None:
    parsed = accept(case(), ctx)
    assert not (parsed.no_known_allergies or parsed.no_known_conditions)
    assert parsed.pregnancy_excluded is None


def test_pregnancy_excluded_after_an_ongoing_pregnancy_is_refused(ctx: ValidationContext) -> None:
    ongoing = {
        "id": "g1",
        "outcome": "ongoing",
        "gestational_age_weeks": 6,
        "end_date": "2026-03-01",
    }
    doc = case(pregnancies=[ongoing], pregnancy_excluded={"date": "2026-03-05"})
    problem = refused_at(doc, ctx, "pregnancy_excluded.date")
    assert "pregnancies[0] is ongoing" in problem.why


def test_pregnancy_excluded_before_an_ongoing_pregnancy_is_accepted(ctx: ValidationContext) -> None:
    ongoing = {
        "id": "g1",
        "outcome": "ongoing",
        "gestational_age_weeks": 6,
        "end_date": "2026-03-01",
    }
    parsed = accept(case(pregnancies=[ongoing], pregnancy_excluded={"date": "2026-01-05"}), ctx)
    assert parsed.pregnancy_excluded is not None
    assert parsed.pregnancy_excluded.method == "urine_hcg"


def test_pregnancy_excluded_needs_its_date(ctx: ValidationContext) -> None:
    refused_at(case(pregnancy_excluded={"method": "serum_hcg"}), ctx, "pregnancy_excluded.date")

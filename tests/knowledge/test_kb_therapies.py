"""The therapy catalogue: complete, cross-checked, and honest about each guideline's stance."""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Mapping

import pytest

from nidation.errors import KnowledgeError
from nidation.knowledge import Knowledge, Therapy, TherapyCatalogue, load_knowledge
from nidation.knowledge.load import data_root
from nidation.knowledge.therapies import GuidelineStance, Indication

Edit = Callable[[str, str, str], None]
EXAMPLE = pathlib.Path(str(data_root())) / "overlays" / "example-clinic.toml"


def refused(root: pathlib.Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_root=root)
    return str(caught.value)


def stances(
    kb: Knowledge, therapy: str, indication: str, population: str = "any"
) -> list[GuidelineStance]:
    """Every stance on ``therapy`` for ``indication`` (or a broader one it lies within)."""
    return [
        stance
        for found, entry in kb.therapies.for_indication(indication, population=population)
        if found.key == therapy
        for stance in entry.stances
    ]


def entries(kb: Knowledge, therapy: str, indication: str) -> list[Indication]:
    return [e for e in kb.therapies[therapy].indications if e.indication == indication]


def by_source(found: list[GuidelineStance]) -> dict[str, str]:
    return {s.source: s.stance for s in found}


# --- the catalogue as a whole -------------------------------------------------------------------


def test_the_catalogue_is_a_read_only_mapping_of_therapies(base: Knowledge) -> None:
    assert isinstance(base.therapies, Mapping)
    assert isinstance(base.therapies, TherapyCatalogue)
    assert all(isinstance(t, Therapy) for t in base.therapies.values())
    assert not hasattr(base.therapies, "__setitem__")
    with pytest.raises(TypeError):
        base.therapies["lmwh"] = base.therapies["lmwh"]  # type: ignore[index]


def test_every_therapy_in_the_value_set_has_an_entry_and_no_other(base: Knowledge) -> None:
    assert set(base.therapies) == set(base.valuesets["therapies"].keys())
    assert len(base.therapies) == len(base.valuesets["therapies"].keys())


def test_every_stance_is_from_the_allowed_set_and_cites_a_guideline(base: Knowledge) -> None:
    allowed = {
        "recommended",
        "conditional",
        "research_only",
        "advised_against",
        "no_recommendation",
    }
    for therapy in base.therapies.values():
        for entry in therapy.indications:
            for stance in entry.stances:
                assert stance.stance in allowed
                rec = base.recommendations[stance.recommendation]
                assert rec.source == stance.source
                assert stance.strength == rec.strength, "strength stored as graded"
                assert not stance.verified or rec.verified
                assert base.sources[stance.source].kind not in {"trial", "meta-analysis"}


def test_every_entry_carries_source_locator_and_verified(base: Knowledge) -> None:
    for therapy in base.therapies.values():
        items = [*therapy.regimens, *therapy.timing, *therapy.contraindications]
        items += [*therapy.interactions, *therapy.monitoring]
        for entry in therapy.indications:
            items += [*entry.stances, *entry.evidence]
        for item in items:
            assert item.source in base.sources and item.locator
            convention = base.sources[item.source].kind == "project convention"
            assert not (convention and item.verified), f"{therapy.key}: {item}"


def test_doses_appear_only_where_a_source_documents_one(base: Knowledge) -> None:
    for key in ("ivig", "omega_3", "intralipid"):
        assert all(r.dose_min is None for r in base.therapies[key].regimens), key
    for therapy in base.therapies.values():
        for regimen in therapy.regimens:
            if regimen.dose_min is not None:
                assert regimen.dose_unit and regimen.source in base.sources


def test_broader_indications_are_followed(base: Knowledge) -> None:
    assert base.therapies.broader("unexplained_rpl") == ("unexplained_rpl", "rpl")
    assert "intralipid" in {t.key for t, _ in base.therapies.for_indication("unexplained_rpl")}


# --- honest stances -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "therapy", ["intralipid", "ivig", "g_csf", "prednisolone", "hydroxychloroquine"]
)
def test_immunotherapies_are_not_offered_for_unexplained_rpl(base: Knowledge, therapy: str) -> None:
    found = stances(base, therapy, "unexplained_rpl", population="rpl")
    assert found, therapy
    assert {s.stance for s in found} <= {"advised_against", "research_only"}
    assert "eshre-rpl-2022" in by_source(found)


@pytest.mark.parametrize("therapy", ["intralipid", "ivig", "g_csf", "prednisolone"])
def test_immunotherapies_are_advised_against_in_rif(base: Knowledge, therapy: str) -> None:
    assert by_source(stances(base, therapy, "rif", population="rif")) == {
        "eshre-rif-2023": "advised_against"
    }


@pytest.mark.parametrize("therapy", ["lmwh", "low_dose_aspirin"])
def test_heparin_and_aspirin_depend_on_the_indication(base: Knowledge, therapy: str) -> None:
    three = [e for e in entries(base, therapy, "aps_lab") if e.min_losses == 3]
    assert len(three) == 1
    esh = {s.source: s for s in three[0].stances}["eshre-rpl-2017"]
    assert (esh.stance, esh.strength, esh.verified) == ("conditional", "conditional", True)
    two = [e for e in entries(base, therapy, "aps_lab") if e.max_losses == 2]
    assert [s.stance for s in two[0].stances] == ["research_only"]
    assert by_source(stances(base, therapy, "unexplained_rpl", "rpl")) == {
        "eshre-rpl-2022": "advised_against"
    }
    assert by_source(stances(base, therapy, "inherited_thrombophilia")) == {
        "eshre-rpl-2017": "advised_against"
    }


def test_aps_sydney_inherits_the_aps_laboratory_stances(base: Knowledge) -> None:
    assert "conditional" in {s.stance for s in stances(base, "lmwh", "aps_sydney")}


def test_progesterone_is_for_bleeding_after_a_previous_miscarriage(base: Knowledge) -> None:
    t = base.therapies["progesterone"]
    found = by_source(
        stances(base, "progesterone", "early_pregnancy_bleeding_with_prior_miscarriage")
    )
    assert found["nice-ng126"] == "recommended"
    assert found["rcog-gtg17-2023"] == "conditional"
    assert by_source(stances(base, "progesterone", "unexplained_rpl"))["nice-ng126"] == (
        "advised_against"
    )
    nice = next(r for r in t.regimens if r.source == "nice-ng126")
    assert (nice.dose_min, nice.dose_unit, nice.route, nice.frequency) == (
        400,
        "mg",
        "vaginal",
        "twice daily",
    )
    window = next(w for w in t.timing if w.source == "nice-ng126")
    assert window.start == "bleeding_onset"
    assert window.stop is not None and (window.stop.kind, window.stop.value) == (
        "gestational_week",
        16,
    )


def test_levothyroxine_is_not_for_euthyroid_tpo_positive_women(base: Knowledge) -> None:
    found = by_source(stances(base, "levothyroxine", "thyroid_autoimmunity"))
    assert found["eshre-rpl-2022"] == "advised_against"
    trials = {e.source for e in entries(base, "levothyroxine", "thyroid_autoimmunity")[0].evidence}
    assert {"tablet-2019", "t4life-2022"} <= trials
    assert by_source(stances(base, "levothyroxine", "thyroid_subclinical_tpo_positive"))[
        "ata-2017"
    ] == ("recommended")


def test_rcog_stops_heparin_at_34_weeks(base: Knowledge) -> None:
    rcog = [w for w in base.therapies["lmwh"].timing if w.source == "rcog-gtg17-2023"]
    assert rcog[0].start == "positive_pregnancy_test"
    assert rcog[0].stop is not None and rcog[0].stop.value == 34


# --- machine-checkable safety ---------------------------------------------------------------------


def contra(kb: Knowledge, therapy: str, kind: str, key: str = "") -> list[object]:
    return [
        c.limit(kb) if c.limit(kb) is not None else c.severity
        for c in kb.therapies[therapy].contraindications
        if c.kind == kind and c.key == key
    ]


def test_lab_and_dose_limits_resolve_in_canonical_units(base: Knowledge) -> None:
    assert contra(base, "lmwh", "lab", "creatinine_clearance") == [("<", 30.0, "mL/min")]
    assert sorted(contra(base, "metformin", "lab", "egfr")) == [  # type: ignore[type-var]
        ("<", 30.0, "mL/min/1.73m2"),
        ("<", 45.0, "mL/min/1.73m2"),
    ]
    assert contra(base, "hydroxychloroquine", "dose_per_kg") == [(">", 5.0, "mg/kg/day")]
    assert contra(base, "antibiotics_chronic_endometritis", "pregnancy") == ["absolute"]
    assert contra(base, "progesterone", "allergy", "soy") == ["absolute"]
    assert "hit_history" in {c.key for c in base.therapies["lmwh"].contraindications}


def test_monitoring_includes_retinal_screening_and_platelets_after_ufh(base: Knowledge) -> None:
    hcq = base.therapies["hydroxychloroquine"].monitoring
    assert any(m.threshold == "hcq.annual_screening_from_years" and m.verified for m in hcq)
    lmwh = base.therapies["lmwh"].monitoring
    assert any(m.lab == "platelets" and m.when_medication == "unfractionated_heparin" for m in lmwh)


def test_an_overlay_keeps_the_catalogue(base: Knowledge) -> None:
    kb = load_knowledge(overlay=EXAMPLE)
    assert set(kb.therapies) == set(base.therapies)


# --- broken copies are refused, naming file, therapy and field ------------------------------------

LMWH = "therapies/lmwh.toml"


def test_unknown_condition_key_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'key = "hit_history"', 'key = "hit_histroy"')
    message = refused(data_copy)
    assert LMWH in message and "therapy lmwh" in message
    assert "contraindications[" in message and ".key" in message and "hit_histroy" in message


def test_unknown_stance_source_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'source = "rcog-gtg17-2023"\nstance', 'source = "rcog-gtg17-2032"\nstance')
    message = refused(data_copy)
    assert LMWH in message and "therapy lmwh" in message
    assert "indications[0].stances[1].source" in message and "rcog-gtg17-2032" in message


def test_a_dose_without_a_source_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    enoxaparin = (
        'frequency = "once daily"\nsource = "alife2-2023"\nlocator = "Methods: interventions"'
    )
    follows = '\nverified = true\n\n[[regimens]]\nagent = "dalteparin"'
    edit(LMWH, enoxaparin + follows, enoxaparin.replace('source = "alife2-2023"\n', "") + follows)
    message = refused(data_copy)
    assert LMWH in message and "therapy lmwh" in message and "regimens.1.source" in message


def test_a_dose_without_a_unit_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'dose_max = 40\ndose_unit = "mg"\n', "dose_max = 40\n")
    message = refused(data_copy)
    assert "therapy lmwh" in message and "regimens.1" in message and "dose_unit" in message


def test_an_unknown_indication_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'indication = "inherited_thrombophilia"', 'indication = "thrombophilia"')
    message = refused(data_copy)
    assert "therapy lmwh" in message and "indications[3].indication" in message


def test_a_stance_outside_the_allowed_set_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'stance = "research_only"', 'stance = "maybe"')
    message = refused(data_copy)
    assert "therapy lmwh" in message and "indications.1.stances.0.stance" in message


def test_a_stance_contradicting_its_recommendation_is_refused(
    data_copy: pathlib.Path, edit: Edit
) -> None:
    edit(LMWH, 'stance = "research_only"', 'stance = "recommended"')
    message = refused(data_copy)
    assert "indications[1].stances[0].stance" in message
    assert "eshre-rpl-2017/aps-two-losses-research" in message


def test_a_converted_strength_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'strength = "GPP"', 'strength = "D"')
    message = refused(data_copy)
    assert "indications[1].stances[0].strength" in message and "exactly as graded" in message


def test_a_trial_cannot_be_a_stance(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("recommendations.toml", 'source = "alife-2010"\nlocator = "Results"\nkind = "treatment"\n'
         'population = "rpl"\nstance = "information"',
         'source = "alife-2010"\nlocator = "Results"\nkind = "treatment"\n'
         'population = "rpl"\nstance = "not_recommended"')  # fmt: skip
    edit(LMWH, 'source = "eshre-rpl-2022"\nstance = "advised_against"\nstrength = "strong"\n'
         'recommendation = "eshre-rpl-2022/no-heparin-aspirin-unexplained"',
         'source = "alife-2010"\nstance = "advised_against"\n'
         'recommendation = "alife-2010/no-benefit-unexplained"')  # fmt: skip
    message = refused(data_copy)
    assert "indications[2].stances[0].source" in message and "list it under evidence" in message


def test_an_unverified_recommendation_cannot_back_a_verified_stance(
    data_copy: pathlib.Path, edit: Edit
) -> None:
    edit(
        LMWH, 'locator = "Treatments"\nverified = false', 'locator = "Treatments"\nverified = true'
    )
    assert "indications[4].stances[0].verified" in refused(data_copy)


def test_a_lab_limit_in_another_unit_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'threshold = "lmwh.crcl_exclusion_below_ml_min"', 'value = 0.5\nunit = "mL/s"')
    message = refused(data_copy)
    assert "contraindications[0].unit" in message and "mL/min" in message


def test_an_unknown_lab_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'key = "creatinine_clearance"', 'key = "crcl"')
    assert "contraindications[0].key" in refused(data_copy)


def test_an_unknown_medication_interaction_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'medication = "nsaid"', 'medication = "ibuprofen"')
    message = refused(data_copy)
    assert "interactions[1].medication" in message and "valuesets/medications.csv" in message


def test_a_convention_cannot_be_verified(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(LMWH, 'locator = "Clinical reference §4.1 Timing (UGK)"\nverified = false',
         'locator = "Clinical reference §4.1 Timing (UGK)"\nverified = true')  # fmt: skip
    assert "timing[3].verified" in refused(data_copy)


def test_a_missing_therapy_file_is_refused(data_copy: pathlib.Path) -> None:
    (data_copy / "therapies" / "tacrolimus.toml").unlink()
    message = refused(data_copy)
    assert "therapies/tacrolimus.toml" in message and "valuesets/therapies.csv" in message


def test_a_therapy_outside_the_value_set_is_refused(data_copy: pathlib.Path) -> None:
    source = data_copy / "therapies" / "tacrolimus.toml"
    (data_copy / "therapies" / "sirolimus.toml").write_text(source.read_text(encoding="utf-8"))
    message = refused(data_copy)
    assert "therapies/sirolimus.toml" in message and "not in valuesets/therapies.csv" in message


def test_an_indication_cycle_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("therapies/_indications.toml", 'decided_by = ["RPL-DEF-001"]',
         'decided_by = ["RPL-DEF-001"]\nwithin = "unexplained_rpl"')  # fmt: skip
    assert "forms a cycle" in refused(data_copy)

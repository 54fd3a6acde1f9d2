"""The therapy catalogue as knowledge tables: every stance and check, with its provenance."""

from __future__ import annotations

from nidation.knowledge import load_knowledge
from nidation.knowledge.therapy_tables import STANCE_RANK

KB = load_knowledge()


def test_every_guideline_stance_is_a_row_with_its_own_source() -> None:
    rows = KB.tables["therapy_stances"].rows
    expected = {
        (t.key, i.indication, s.source, s.stance)
        for t in KB.therapies.values()
        for i in t.indications
        for s in i.stances
    }
    got = {(r["therapy"], r["indication"], r["guideline"], r["stance"]) for r in rows}
    assert expected <= got
    for r in rows:
        assert r["rank"] == STANCE_RANK[str(r["stance"])]
        assert r["source"] in KB.sources


def test_an_indication_without_a_stance_is_no_recommendation_citing_its_evidence() -> None:
    rows = [
        r
        for r in KB.tables["therapy_stances"].rows
        if r["therapy"] == "metformin" and r["indication"] == "pcos"
    ]
    (row,) = rows
    assert row["stance"] == "no_recommendation"
    assert row["guideline"] is None
    assert row["source"] in KB.sources


def test_checks_keep_threshold_keys_so_an_overlay_applies() -> None:
    rows = KB.tables["therapy_checks"].rows
    lab = [r for r in rows if r["therapy"] == "metformin" and r["check"] == "lab"]
    assert lab and all(r["threshold"] in KB.thresholds for r in lab if r["threshold"])
    interactions = [r for r in rows if r["check"] == "interaction"]
    assert len(interactions) == sum(len(t.interactions) for t in KB.therapies.values())


def test_details_show_only_sourced_regimens() -> None:
    details = {r["therapy"]: r for r in KB.tables["therapy_details"].rows}
    assert set(details) == set(KB.therapies)
    lmwh = str(details["lmwh"]["regimen"])
    assert "Enoxaparin 40 mg once daily" in lmwh and "[alife2-2023]" in lmwh
    for key, therapy in KB.therapies.items():
        if not therapy.regimens:
            assert details[key]["regimen"] is None

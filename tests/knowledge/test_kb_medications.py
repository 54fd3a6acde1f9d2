"""The medication tables: keys resolve to the value set and the lab catalogue, week limits only
where the action uses them (nidation.knowledge.medications)."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest

from nidation.errors import KnowledgeError
from nidation.knowledge import Knowledge, load_knowledge

Edit = Callable[[str, str, str], None]


def refused(root: pathlib.Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_root=root)
    return str(caught.value)


def test_warfarin_switches_by_a_week_and_hydroxychloroquine_continues(base: Knowledge) -> None:
    table = base.tables["medication_pregnancy"]
    warfarin = table.lookup(medication="warfarin")
    assert warfarin is not None and warfarin["action"] == "switch_by_week"
    assert warfarin["by_week"] == 6 and warfarin["verified"] is False
    hcq = table.lookup(medication="hydroxychloroquine")
    assert hcq is not None and hcq["action"] == "continue"
    assert table.lookup(medication="metformin") is None  # no sourced advice: not assessed


def test_every_vka_and_doac_with_pregnancy_advice_disturbs_the_la(base: Knowledge) -> None:
    advice = base.tables["medication_pregnancy"]
    interference = base.tables["medication_lab_interference"]
    anticoagulants = {
        str(r["medication"])
        for r in advice.rows
        if r["alternative"] == "low-molecular-weight heparin"
    }
    disturbing = {str(r["medication"]) for r in interference.rows}
    assert anticoagulants == disturbing
    assert {r["test"] for r in interference.rows} == {"lupus_anticoagulant"}


def test_unknown_medication_key_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/medication_pregnancy.csv", "\nstatin,", "\nstatins,")
    message = refused(data_copy)
    assert "medication_pregnancy.csv" in message and "'statins'" in message
    assert "valuesets/medications.csv" in message


def test_unknown_test_key_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "tables/medication_lab_interference.csv",
        "\nwarfarin,lupus_anticoagulant,",
        "\nwarfarin,lupus_anticoagulant_drvvt,",
    )
    message = refused(data_copy)
    assert "medication_lab_interference.csv" in message and "lupus_anticoagulant_drvvt" in message


def test_week_limit_without_its_action_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "tables/medication_pregnancy.csv",
        "\nstatin,stop_before_conception,,",
        "\nstatin,stop_before_conception,12,",
    )
    message = refused(data_copy)
    assert "medication_pregnancy.csv" in message and "by_week" in message
    assert "'stop_before_conception' does not use it" in message

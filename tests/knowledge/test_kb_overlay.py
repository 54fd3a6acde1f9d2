"""Clinic overlays are validated like the base and named in the version."""

from __future__ import annotations

import pathlib

import pytest

from nidation.errors import KnowledgeError
from nidation.knowledge import Knowledge, load_knowledge
from nidation.knowledge.load import data_root

EXAMPLE = pathlib.Path(str(data_root())) / "overlays" / "example-clinic.toml"

HEADER = """
[meta]
name = "Test Clinic 2026"

[sources.test-clinic-2026]
kind = "clinic data"
title = "Test clinic audit"
verified = false
"""

THRESHOLD = """
[thresholds."{key}"]
value = {value}
source = "test-clinic-2026"
locator = "Protocol section 1"
verified = false
"""


def write(tmp_path: pathlib.Path, body: str, header: str = HEADER) -> pathlib.Path:
    path = tmp_path / "overlay.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


def refused(path: pathlib.Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    return str(caught.value)


def test_example_overlay_is_applied_and_named(base: Knowledge) -> None:
    kb = load_knowledge(EXAMPLE)
    assert kb.overlay == "Example Clinic 2026"
    assert kb.version.startswith(base.version + ".example-clinic-2026-")
    assert kb.value("rif.eshre_cumulative_threshold_fraction") == 0.65
    assert kb.text("rif.eshre_operator") == ">"
    assert kb.value("rif.eshre_min_transfers") == 2
    assert kb.threshold("rif.eshre_min_transfers").source == "example-clinic-2026"
    table = kb.tables["embryo_implantation"]
    assert table.source == "example-clinic-2026"
    assert table.value("probability", age=44, stage="blastocyst", pgta_status="euploid") == 0.48
    assert kb.sources["example-clinic-2026"].kind == "clinic data"
    # the base is untouched and still cached
    assert load_knowledge() is base
    assert base.value("rif.eshre_cumulative_threshold_fraction") == 0.60
    assert base.tables["embryo_implantation"].source == "nidation-defaults"


def test_overlay_threshold_keeps_unit_and_operator(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, THRESHOLD.format(key="rpl.eshre_min_losses", value=3))
    kb = load_knowledge(path)
    threshold = kb.threshold("rpl.eshre_min_losses")
    assert (threshold.value, threshold.unit, threshold.operator) == (3, "count", ">=")
    assert threshold.locator == "Protocol section 1" and threshold.note == ""


def test_unknown_key_is_refused(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, THRESHOLD.format(key="rif.eshre_threshold_percent", value=60))
    message = refused(path)
    assert "overlay.toml" in message
    assert "thresholds.rif.eshre_threshold_percent" in message
    assert "not a key of the base knowledge" in message


def test_unknown_table_is_refused(tmp_path: pathlib.Path) -> None:
    body = (
        '\n[tables.clinic_rates]\nsource = "test-clinic-2026"\nlocator = "x"\n'
        "verified = false\nrows = [{ a = 1 }]\n"
    )
    assert "not a table of the base knowledge" in refused(write(tmp_path, body))


def test_undeclared_source_is_refused(tmp_path: pathlib.Path) -> None:
    body = THRESHOLD.format(key="rpl.eshre_min_losses", value=3).replace(
        "test-clinic-2026", "nobody-2026"
    )
    message = refused(write(tmp_path, body))
    assert "nobody-2026" in message and "source" in message


def test_base_source_cannot_be_redefined(tmp_path: pathlib.Path) -> None:
    header = HEADER.replace("test-clinic-2026", "eshre-rif-2023")
    message = refused(write(tmp_path, "", header=header))
    assert "sources.eshre-rif-2023" in message and "already declared" in message


def test_unit_and_kind_must_match_the_base(tmp_path: pathlib.Path) -> None:
    body = THRESHOLD.format(key="rpl.eshre_min_losses", value=3) + 'unit = "losses"\n'
    assert "differs from the base unit" in refused(write(tmp_path, body))
    body = THRESHOLD.format(key="rif.eshre_operator", value=0.5)
    assert "must be text" in refused(write(tmp_path, body))
    body = THRESHOLD.format(key="rif.eshre_operator", value='"≥"')
    assert "rif.eshre_operator" in refused(write(tmp_path, body))


def test_provenance_is_required(tmp_path: pathlib.Path) -> None:
    body = '\n[thresholds."rpl.eshre_min_losses"]\nvalue = 3\nsource = "test-clinic-2026"\n'
    message = refused(write(tmp_path, body))
    assert "thresholds.rpl.eshre_min_losses" in message and "locator" in message


def test_overlay_table_is_checked_like_the_base(tmp_path: pathlib.Path) -> None:
    rows = [
        '{ age_max = 35, stage = "blastocyst", pgta_status = "euploid", probability = 0.6, '
        'source = "test-clinic-2026", locator = "t1", verified = false }',
        '{ age_min = 36, stage = "blastocyst", pgta_status = "euploid", probability = 0.5, '
        'source = "test-clinic-2026", locator = "t1", verified = false }',
    ]
    body = (
        '\n[tables.embryo_implantation]\nsource = "test-clinic-2026"\nlocator = "Audit"\n'
        "verified = false\nrows = [\n  " + ",\n  ".join(rows) + ",\n]\n"
    )
    message = refused(write(tmp_path, body))
    assert "tables.embryo_implantation.rows[1]" in message and "gap" in message
    fixed = body.replace("age_min = 36", "age_min = 35")
    kb = load_knowledge(write(tmp_path, fixed))
    assert kb.tables["embryo_implantation"].value(
        "probability", age=35, stage="blastocyst", pgta_status="euploid"
    ) == pytest.approx(0.5)
    too_high = body.replace("probability = 0.5", "probability = 1.5")
    assert "outside [0, 1]" in refused(write(tmp_path, too_high.replace("36", "35")))


def test_malformed_overlays_are_refused(tmp_path: pathlib.Path) -> None:
    assert "not valid TOML" in refused(write(tmp_path, "[thresholds\n"))
    assert "name" in refused(write(tmp_path, "", header="[meta]\n"))
    assert "may contain only" in refused(write(tmp_path, "\n[labs.tsh]\nkind = 'numeric'\n"))
    assert "cannot be read" in refused(tmp_path / "missing.toml")

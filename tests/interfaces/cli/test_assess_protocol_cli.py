"""``nidation assess --protocols FILE --protocol NAME``: a clinic protocol checked item by item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nidation.interfaces.cli.main import app

ROOT = Path(__file__).parents[3]
RUNNER = CliRunner()
PROTOCOLS = str(ROOT / "examples/clinic-protocols.toml")
RIF = str(ROOT / "examples/rif-only.yaml")


def _rows(data: dict[str, Any], rule_id: str) -> dict[str | None, dict[str, Any]]:
    groups = ("therapies", "surveillance")
    return {o["item"]: o for g in groups for o in data[g] if o["rule_id"] == rule_id}


def test_each_protocol_item_is_shown_with_its_stance() -> None:
    args = ["assess", RIF, "--json", "--protocols", PROTOCOLS, "--protocol", "rif-immune"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 0, result.output
    requested = _rows(json.loads(result.stdout), "TX-REQ-001")
    assert set(requested) == {
        "prednisolone",
        "intralipid",
        "g_csf",
        "lmwh",
        "low_dose_aspirin",
        "vitamin_d",
    }
    for item in ("intralipid", "g_csf", "prednisolone", "lmwh"):
        assert requested[item]["status"] == "advised_against", requested[item]["because"]
        assert "rif-immune" in requested[item]["because"]
    intralipid = requested["intralipid"]
    assert intralipid["evidence"]["recommendation"] == "eshre-rif-2023/intralipid-not-recommended"
    assert intralipid["sources"][0]["key"] == "eshre-rif-2023/intralipid-not-recommended"


def test_the_summary_shows_the_protocol_and_safety_sections() -> None:
    args = ["assess", RIF, "--protocols", PROTOCOLS, "--protocol", "rif-immune"]
    result = RUNNER.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Treatment protocol" in result.stdout
    assert "Surveillance and safety checks" in result.stdout
    assert "advised against" in result.stdout


def test_an_undefined_protocol_exits_2_naming_the_defined_ones() -> None:
    args = ["assess", RIF, "--protocols", PROTOCOLS, "--protocol", "nope"]
    result = RUNNER.invoke(app, args)
    assert result.exit_code == 2
    assert "aps-obstetric" in result.stderr and "'nope'" in result.stderr


def test_a_protocol_needs_the_protocols_file() -> None:
    result = RUNNER.invoke(app, ["assess", RIF, "--protocol", "rif-immune"])
    assert result.exit_code == 2
    assert "--protocols" in result.stderr

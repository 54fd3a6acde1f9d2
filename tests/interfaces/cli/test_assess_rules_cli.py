"""``nidation assess`` and ``nidation rules`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nidation.interfaces.cli.main import app
from nidation.rules import default_rules

ROOT = Path(__file__).parents[3]
RUNNER = CliRunner()
OVERLAY = ROOT / "src/nidation/knowledge/data/overlays/example-clinic.toml"


def _assess(*args: str) -> dict[str, object]:
    result = RUNNER.invoke(app, ["assess", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _status(data: dict[str, object], rule_id: str) -> str:
    for group in ("definitions", "predictions"):
        for outcome in data[group]:  # type: ignore[attr-defined]
            if outcome["rule_id"] == rule_id:
                return str(outcome["status"])
    raise KeyError(rule_id)


def test_assess_json_gives_definitions_with_sources_and_versions() -> None:
    data = _assess(str(ROOT / "examples/rif-only.yaml"))
    assert _status(data, "RIF-DEF-001") == "met"
    assert _status(data, "RPL-DEF-001") == "not_met"
    assert str(data["knowledge_version"]).startswith("20")
    assert data["overlay"] is None
    rif = next(o for o in data["definitions"] if o["rule_id"] == "RIF-DEF-001")  # type: ignore[attr-defined]
    assert rif["sources"] and all("source" in s and "locator" in s for s in rif["sources"])
    assert "disclaimer" in data


def test_assess_with_a_clinic_overlay_names_it() -> None:
    data = _assess(str(ROOT / "examples/rif-only.yaml"), "--overlay", str(OVERLAY))
    assert data["overlay"]
    assert (
        str(data["overlay"])
        in RUNNER.invoke(
            app, ["assess", str(ROOT / "examples/rif-only.yaml"), "--overlay", str(OVERLAY)]
        ).stdout
    )


def test_assess_refuses_a_bad_case_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"patient": {"id": "X", "age_years": 250}}', encoding="utf-8")
    result = RUNNER.invoke(app, ["assess", str(bad)])
    assert result.exit_code == 2
    assert "patient.age_years" in result.output


def test_assess_summary_is_readable() -> None:
    result = RUNNER.invoke(app, ["assess", str(ROOT / "examples/rpl-only.yaml")])
    assert result.exit_code == 0, result.output
    assert "RPL-DEF-001" in result.stdout and "met" in result.stdout
    assert "does not replace" in result.stdout


def test_rules_list_json_lists_every_rule() -> None:
    result = RUNNER.invoke(app, ["rules", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    ids = {r["id"] for r in json.loads(result.stdout)}
    assert ids == {r.id for r in default_rules()}


def test_rules_explain_prints_docs_and_sources() -> None:
    result = RUNNER.invoke(app, ["rules", "explain", "RIF-DEF-001"])
    assert result.exit_code == 0, result.output
    assert "## What it decides" in result.stdout
    assert "eshre-rif-2023" in result.stdout
    unknown = RUNNER.invoke(app, ["rules", "explain", "NOPE-001"])
    assert unknown.exit_code == 2

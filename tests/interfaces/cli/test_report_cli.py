"""``nidation report`` through the CLI runner."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from nidation.interfaces.cli.main import app

ROOT = Path(__file__).parents[3]
RUNNER = CliRunner()
BAD = ROOT / "tests/bad_inputs/age-250.json"


def test_clinician_html_is_written_and_well_formed(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(ROOT / "examples/rif-only.yaml"), "-o", str(out)]
    result = RUNNER.invoke(app, [*args, "--today", "2026-10-01"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    ET.fromstring(html.split("\n", 1)[1])
    assert "Clinician report — EX-RIF-01" in html
    assert "wrote the clinician report (html, en)" in result.stderr


def test_a_refused_overlay_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "overlay.toml"
    bad.write_text("this is = not [valid toml", encoding="utf-8")
    case = str(ROOT / "examples/rif-only.yaml")
    result = RUNNER.invoke(app, ["report", case, "--overlay", str(bad), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "overlay" in result.stderr and not (tmp_path / "x").exists()


def test_patient_summary_in_spanish_markdown(tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    result = RUNNER.invoke(
        app,
        [
            "report",
            str(ROOT / "examples/rpl-only.yaml"),
            "--audience",
            "patient",
            "--format",
            "md",
            "--lang",
            "es",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Resumen de sus resultados")


def test_bad_input_exits_2_with_the_same_problems_as_assess(tmp_path: Path) -> None:
    out = tmp_path / "never.html"
    reported = RUNNER.invoke(app, ["report", str(BAD), "-o", str(out)])
    assessed = RUNNER.invoke(app, ["assess", str(BAD)])
    assert reported.exit_code == assessed.exit_code == 2
    assert reported.stderr == assessed.stderr
    assert reported.stderr.strip() and all(
        line.startswith(str(BAD)) for line in reported.stderr.splitlines()
    )
    assert not out.exists()


def test_unknown_format_or_language_is_refused(tmp_path: Path) -> None:
    case = str(ROOT / "examples/rpl-only.yaml")
    for option in (["--format", "docx"], ["--lang", "fr"], ["--audience", "partner"]):
        result = RUNNER.invoke(app, ["report", case, *option, "-o", str(tmp_path / "x")])
        assert result.exit_code == 2, option

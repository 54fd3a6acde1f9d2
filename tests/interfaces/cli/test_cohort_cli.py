"""``nidation synth``, ``nidation cohort`` and ``nidation audit`` through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from nidation.interfaces.cli.main import app

runner = CliRunner()


def test_synth_then_cohort_with_audit(tmp_path: Path) -> None:
    facts, out, html = tmp_path / "facts", tmp_path / "out", tmp_path / "audit.html"
    made = runner.invoke(app, ["synth", "--patients", "20", "--seed", "4", "-o", str(facts)])
    assert made.exit_code == 0, made.output
    assert pq.read_table(facts / "patients").num_rows == 20
    ran = runner.invoke(
        app, ["cohort", str(facts), "-o", str(out), "--today", "2026-06-01", "--audit", str(html)]
    )
    assert ran.exit_code == 0, ran.output
    assert "RPL-DEF-001" in ran.output and "20 patients" in ran.output
    assert pq.read_table(out / "summary").num_rows == 20
    again = runner.invoke(app, ["audit", str(out), "-o", str(tmp_path / "again.html")])
    assert again.exit_code == 0 and "<svg" in (tmp_path / "again.html").read_text()
    assert "<svg" in html.read_text()


def test_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "patients.csv").write_text("patient_id,age_years\nA,old\n")
    result = runner.invoke(app, ["cohort", str(facts), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "patients.csv, column 'as_of': (missing) — column missing" in result.output
    assert not (tmp_path / "out").exists()


def test_audit_of_a_folder_without_results_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path), "-o", str(tmp_path / "a.html")])
    assert result.exit_code == 2
    assert "holds no results/ and summary/ folders" in result.output

"""The ``nidation`` command line, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nidation import __version__
from nidation.interfaces.cli.main import app
from nidation.io.schema import case_json_schema
from tests.conftest import TODAY

runner = CliRunner()
VALID = {
    "patient": {"id": "P1", "birth_date": "1988-03-14"},
    "pregnancies": [{"id": "g1", "outcome": "miscarriage", "gestational_age_weeks": 8}],
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout.splitlines(), result.stderr


def test_version_prints_both_versions(kb: object) -> None:
    code, lines, _ = run("--version")
    assert code == 0
    assert lines == [f"nidation {__version__}", f"knowledge {kb.version}"]  # type: ignore[attr-defined]


def test_no_arguments_prints_help() -> None:
    result = runner.invoke(app, [])
    assert "validate" in result.output and "schema" in result.output


def test_schema_prints_the_case_schema() -> None:
    code, lines, _ = run("schema")
    assert code == 0
    assert json.loads("\n".join(lines)) == case_json_schema()


def test_validate_accepts_valid_files_one_line_each(tmp_path: Path) -> None:
    a = write(tmp_path, "a.json", json.dumps(VALID))
    b = write(tmp_path, "b.yaml", "patient:\n  id: P2\n  age_years: 36\n")
    code, lines, stderr = run("validate", str(a), str(b), "--today", TODAY.isoformat())
    assert code == 0
    assert lines == [f"✓ {a}", f"✓ {b}"]
    assert stderr == ""


def test_validate_refuses_with_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", json.dumps(VALID))
    bad = write(
        tmp_path,
        "bad.yaml",
        "patient:\n  id: P1\n  age_years: 250\npregnancies:\n  - id: g1\n    outcome: maybe\n",
    )
    code, lines, stderr = run("validate", str(good), str(bad), "--today", TODAY.isoformat())
    assert code == 2
    assert lines[0] == f"✓ {good}"
    assert len(lines) == 3
    assert lines[1].startswith(f"{bad}: patient.age_years: 250")
    assert "(plausibility.age_years)" in lines[1]
    assert lines[2].startswith(f"{bad}: pregnancies[0].outcome: 'maybe' — input should be")
    assert "2 problems in 1 of 2 files." in stderr


def test_validate_judges_future_dates_against_today(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.json",
        json.dumps({"patient": {"id": "P", "birth_date": "1988-03-14"}, "as_of": "2026-03-01"}),
    )
    assert run("validate", str(path), "--today", "2026-03-01")[0] == 0
    code, lines, _ = run("validate", str(path), "--today", "2026-02-28")
    assert code == 2
    assert lines == [
        f"{path}: as_of: '2026-03-01' — after today (2026-02-28); a record cannot describe "
        "the future. Check the date (YYYY-MM-DD)."
    ]


def test_validate_refuses_a_bad_today_option(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", json.dumps(VALID))
    result = runner.invoke(app, ["validate", str(path), "--today", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a date" in result.output


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("missing.json", "no such file"), ("case.csv", "not a case file extension")],
)
def test_validate_reports_unreadable_files_as_problems(
    tmp_path: Path, name: str, fragment: str
) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("a,b\n", encoding="utf-8")
    code, lines, _ = run("validate", str(path))
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: (document): ")
    assert fragment in lines[0]


def test_validate_reports_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "dir.json"
    folder.mkdir()
    code, lines, _ = run("validate", str(folder))
    assert code == 2
    assert "a directory, not a file" in lines[0]


def test_validate_needs_a_file() -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 2


def test_problem_lines_are_never_wrapped(tmp_path: Path) -> None:
    long_id = "x" * 60
    path = write(tmp_path, "long.json", json.dumps({"patient": {"id": "P", "notes": long_id * 3}}))
    code, lines, _ = run("validate", str(path))
    assert code == 2
    assert len(lines) == 1
    assert "patient.notes" in lines[0]


def test_a_knowledge_base_that_cannot_be_loaded_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from nidation.errors import KnowledgeError
    from nidation.interfaces.cli import app as cli

    def broken() -> None:
        raise KnowledgeError("labs.toml: tsh has no unit")

    cli.knowledge.cache_clear()
    monkeypatch.setattr("nidation.knowledge.load_knowledge", broken)
    try:
        result = runner.invoke(app, ["--version"])
    finally:
        cli.knowledge.cache_clear()
    assert result.exit_code == 1
    assert result.stderr == (
        "nidation: the knowledge base cannot be loaded: labs.toml: tsh has no unit\n"
    )

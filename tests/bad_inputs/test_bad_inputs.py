"""Every file of the bad-input corpus is refused with exactly its expected problems.

``expected.toml`` maps each file to the problems it must raise: the path (a field path,
``line L, column C`` for syntax, or ``""`` for the document) and a fragment of the sentence.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nidation.errors import InputError, Problem
from nidation.interfaces.cli.main import app
from nidation.io.case_file import read_case
from tests.conftest import TODAY

HERE = Path(__file__).parent
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((HERE / "expected.toml").read_text("utf-8"))
FILES = sorted(EXPECTED)


def _matches(problem: Problem, expected: dict[str, str]) -> bool:
    return problem.path == expected["path"] and expected["message"].lower() in str(problem).lower()


def test_the_corpus_is_complete() -> None:
    on_disk = {p.name for p in HERE.iterdir() if p.suffix not in (".py", ".toml") and p.is_file()}
    assert on_disk == set(FILES)
    assert len(FILES) >= 40
    for name, entry in EXPECTED.items():
        assert entry.get("why"), f"{name} does not say why it is bad"
        assert entry["problems"], f"{name} lists no expected problem"


def _settings(name: str, set_env: Callable[[str, str], None]) -> None:
    for key, value in EXPECTED[name].get("settings", {}).items():
        set_env(f"NIDATION_{key.upper()}", str(value))


@pytest.mark.parametrize("name", FILES)
def test_read_case_refuses_with_exactly_the_expected_problems(
    name: str, kb: Any, set_env: Callable[[str, str], None]
) -> None:
    _settings(name, set_env)
    with pytest.raises(InputError) as caught:
        read_case(HERE / name, knowledge=kb, today=TODAY)
    got = caught.value.problems
    want = EXPECTED[name]["problems"]
    shown = "\n".join(f"  {p.path!r}: {p}" for p in got)
    assert len(got) == len(want), f"{name}: expected {len(want)} problems, got:\n{shown}"
    for expected in want:
        assert any(_matches(p, expected) for p in got), f"{name}: missing {expected}, got:\n{shown}"
    assert caught.value.source == str(HERE / name)


@pytest.mark.parametrize("name", FILES)
def test_the_cli_refuses_with_exit_2_and_one_line_per_problem(
    name: str, set_env: Callable[[str, str], None]
) -> None:
    _settings(name, set_env)
    path = HERE / name
    result = CliRunner().invoke(app, ["validate", str(path), "--today", TODAY.isoformat()])
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    want = EXPECTED[name]["problems"]
    assert len(lines) == len(want), result.stdout
    for line in lines:
        assert line.startswith(f"{path}: ")
    for expected in want:
        where = expected["path"] or "(document)"
        assert any(line.startswith(f"{path}: {where}: ") for line in lines), (
            expected,
            result.stdout,
        )


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, kb: Any) -> None:
    from nidation.settings import get_settings

    limit = get_settings().max_case_bytes
    path = tmp_path / "huge.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"patient": {"id": "P1"}, "notes": "')
        handle.write("x" * limit)
        handle.write('"}')
    with pytest.raises(InputError) as caught:
        read_case(path, knowledge=kb, today=TODAY)
    (problem,) = caught.value.problems
    assert problem.path == ""
    assert f"larger than {limit} bytes" in problem.why
    assert "NIDATION_MAX_CASE_BYTES" in problem.why

"""Reading and writing case files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nidation.domain import ValidationContext, parse_case
from nidation.errors import InputError
from nidation.io.case_file import (
    case_to_data,
    case_to_json,
    case_to_yaml,
    format_of,
    parse_case_text,
    read_case,
    read_case_document,
    write_case,
)
from tests.conftest import TODAY

DOC = {"patient": {"id": "P1", "birth_date": "1988-03-14"}}


def refused(path: Path, kb: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        read_case(path, knowledge=kb, today=TODAY)
    assert caught.value.source == str(path)
    return caught.value


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.json", "json"), ("a.JSON", "json"), ("a.yaml", "yaml"), ("a.YML", "yaml")]
)
def test_the_format_follows_the_extension(name: str, fmt: str) -> None:
    assert format_of(Path(name)) == fmt


@pytest.mark.parametrize(
    ("name", "shown"), [("a.txt", "'.txt'"), ("a", "(no extension)"), ("a.json5", "'.json5'")]
)
def test_other_extensions_are_refused(name: str, shown: str) -> None:
    with pytest.raises(InputError) as caught:
        format_of(Path(name))
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"(document): {shown} — not a case file extension; Nidation reads .json, .yaml and .yml. "
        "Save the case as JSON (.json) or YAML (.yaml)."
    )


def test_a_case_is_read_from_json_and_yaml(tmp_path: Path, kb: Any) -> None:
    (tmp_path / "a.json").write_text(json.dumps(DOC), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        "patient:\n  id: P1\n  birth_date: 1988-03-14\n", encoding="utf-8"
    )
    a = read_case(tmp_path / "a.json", knowledge=kb, today=TODAY)
    b = read_case(tmp_path / "a.yaml", knowledge=kb, today=TODAY)
    assert a == b
    assert a.patient.id == "P1"


def test_a_byte_order_mark_is_accepted(tmp_path: Path, kb: Any) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(DOC).encode())
    assert read_case(path, knowledge=kb, today=TODAY).patient.id == "P1"


def test_the_knowledge_base_is_loaded_when_not_given(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    assert read_case(path).patient.id == "P1"


def test_missing_files_and_directories_are_input_errors(tmp_path: Path, kb: Any) -> None:
    assert "no such file" in str(refused(tmp_path / "nope.json", kb))
    (tmp_path / "d.yaml").mkdir()
    assert "a directory, not a file" in str(refused(tmp_path / "d.yaml", kb))


def test_structural_problems_carry_the_file_as_source(tmp_path: Path, kb: Any) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"patient": {"id": "P1", "age_years": "old"}}), encoding="utf-8")
    error = refused(path, kb)
    assert str(error).startswith(f"{path}: 1 problem found\n  patient.age_years: 'old' — ")


def test_read_case_document_returns_plain_data(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("patient: {id: P1}\n", encoding="utf-8")
    assert read_case_document(path) == {"patient": {"id": "P1"}}


def test_parse_case_text_reads_a_request_body(kb: Any) -> None:
    case = parse_case_text(json.dumps(DOC), fmt="json", source="request", knowledge=kb, today=TODAY)
    assert case.patient.id == "P1"
    with pytest.raises(InputError) as caught:
        parse_case_text("{", fmt="json", source="request", knowledge=kb)
    assert caught.value.source == "request"


def test_parse_case_text_refuses_an_unknown_format(kb: Any) -> None:
    with pytest.raises(ValueError, match="The 'fmt' parameter of parse_case_text must be"):
        parse_case_text("{}", fmt="xml", knowledge=kb)  # type: ignore[arg-type]


def test_written_files_leave_out_what_is_not_set(ctx: ValidationContext) -> None:
    case = parse_case(DOC, context=ctx)
    assert case_to_data(case) == {"schema_version": "1", **DOC}
    assert json.loads(case_to_json(case)) == case_to_data(case)
    assert (
        case_to_yaml(case)
        == "schema_version: '1'\npatient:\n  id: P1\n  birth_date: '1988-03-14'\n"
    )


def test_write_case_refuses_an_unknown_extension(ctx: ValidationContext, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_case(parse_case(DOC, context=ctx), tmp_path / "case.xml")
    assert list(tmp_path.iterdir()) == []


def test_write_case_replaces_an_existing_file_whole(
    ctx: ValidationContext, kb: Any, tmp_path: Path
) -> None:
    path = tmp_path / "case.json"
    path.write_text("old content that is longer than the new one" * 100, encoding="utf-8")
    case = parse_case(DOC, context=ctx)
    write_case(case, path)
    assert read_case(path, knowledge=kb, today=TODAY) == case
    assert [p.name for p in tmp_path.iterdir()] == ["case.json"]


@pytest.mark.parametrize("text", ["a\x85b", "line\u2028separator", "para\u2029graph", "it's"])
def test_yaml_keeps_text_with_unusual_line_breaks(
    ctx: ValidationContext, kb: Any, text: str
) -> None:
    case = parse_case(
        {**DOC, "findings": [{"kind": "polyp", "present": True, "notes": text}]}, context=ctx
    )
    again = parse_case_text(case_to_yaml(case), fmt="yaml", knowledge=kb, today=TODAY)
    assert again.findings[0].notes == text

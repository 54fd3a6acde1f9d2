"""Property tests: valid cases round-trip losslessly; one invalid field is always named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nidation.domain import ValidationContext, parse_case
from nidation.errors import InputError
from nidation.io.case_file import (
    case_to_json,
    case_to_yaml,
    parse_case_text,
    read_case,
    write_case,
    yaml_text,
)
from tests.conftest import TODAY
from tests.strategies import KINDS, Broken, invalid_cases, valid_cases

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(data=st.data())
def test_valid_cases_round_trip_through_json(
    ctx: ValidationContext, kb: Any, data: st.DataObject
) -> None:
    case = parse_case(data.draw(valid_cases(ctx)), context=ctx)
    text = case_to_json(case)
    again = parse_case_text(text, fmt="json", knowledge=kb, today=TODAY)
    assert again == case
    assert case_to_json(again) == text


@PROPERTY
@given(data=st.data())
def test_valid_cases_round_trip_through_yaml(
    ctx: ValidationContext, kb: Any, data: st.DataObject
) -> None:
    case = parse_case(data.draw(valid_cases(ctx)), context=ctx)
    text = case_to_yaml(case)
    again = parse_case_text(text, fmt="yaml", knowledge=kb, today=TODAY)
    assert again == case
    assert case_to_yaml(again) == text


@PROPERTY
@given(data=st.data())
def test_documents_as_written_by_hand_are_read_as_in_code(
    ctx: ValidationContext, kb: Any, data: st.DataObject
) -> None:
    doc = data.draw(valid_cases(ctx))
    expected = parse_case(doc, context=ctx)
    as_json = parse_case_text(json.dumps(doc), fmt="json", knowledge=kb, today=TODAY)
    as_yaml = parse_case_text(yaml_text(doc), fmt="yaml", knowledge=kb, today=TODAY)
    assert as_json == expected == as_yaml


def _refused(text: str, fmt: str, kb: Any) -> InputError:
    try:
        parse_case_text(text, fmt=fmt, knowledge=kb, today=TODAY)  # type: ignore[arg-type]
    except InputError as exc:
        return exc
    raise AssertionError("the case was accepted")


@pytest.mark.parametrize("kind", KINDS)
@settings(PROPERTY, max_examples=40)
@given(data=st.data())
def test_one_invalid_field_is_refused_naming_its_path(
    ctx: ValidationContext, kb: Any, kind: str, data: st.DataObject
) -> None:
    broken: Broken = data.draw(invalid_cases(ctx, kind))
    event(broken.path.split("[")[0].split(".")[0])
    for text, fmt in ((json.dumps(broken.doc), "json"), (yaml_text(broken.doc), "yaml")):
        error = _refused(text, fmt, kb)
        paths = [p.path for p in error.problems]
        assert broken.path in paths, (broken.kind, broken.path, [str(p) for p in error.problems])
        for problem in error.problems:
            assert problem.why and problem.action
            assert str(problem).startswith(f"{problem.path}: ")


def test_write_then_read_gives_the_same_case(
    ctx: ValidationContext, kb: Any, tmp_path: Path
) -> None:
    doc = {
        "as_of": "2025-01-01",
        "patient": {"id": "P1", "birth_date": "1988-03-14", "height_cm": 165.5, "smoking": "never"},
        "pregnancies": [
            {
                "id": "g1",
                "outcome": "miscarriage",
                "gestational_age_weeks": 8,
                "end_date": "2023-03-01",
            }
        ],
        "labs": [{"test": "tsh", "value": 2.5, "unit": "mIU/L", "date": "2024-01-10"}],
    }
    case = parse_case(doc, context=ctx)
    for name in ("c.json", "c.yaml", "c.yml"):
        write_case(case, tmp_path / name)
        assert read_case(tmp_path / name, knowledge=kb, today=TODAY) == case
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.yaml", "c.yml"]

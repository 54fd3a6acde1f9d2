"""The document layer: untrusted JSON/YAML text → a plain object, or an InputError."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from nidation.errors import InputError, Problem
from nidation.io.document import Format, decode_document


def refused(text: str, fmt: Format = "json") -> tuple[Problem, ...]:
    with pytest.raises(InputError) as caught:
        decode_document(text, fmt=fmt, source="case")
    assert caught.value.source == "case"
    return caught.value.problems


def only(text: str, fmt: Format = "json") -> Problem:
    problems = refused(text, fmt)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ('{"patient": {"id": "P1"}}', "json", {"patient": {"id": "P1"}}),
        ("patient:\n  id: P1\n  birth_date: 1988-03-14\n", "yaml", None),
        ("patient: {id: P1}\nlabs: []\n", "yaml", {"patient": {"id": "P1"}, "labs": []}),
        ('\ufeff{"patient": {"id": "P1"}}', "json", None),
    ],
)
def test_well_formed_documents_are_returned_as_plain_data(
    text: str, fmt: Format, expected: object
) -> None:
    data = decode_document(text.removeprefix("\ufeff"), fmt=fmt)
    assert isinstance(data, dict)
    assert data["patient"]["id"] == "P1"
    if expected is not None:
        assert data == expected


def test_yaml_dates_are_read_as_dates() -> None:
    data = decode_document("patient:\n  birth_date: 1988-03-14\n", fmt="yaml")
    assert data["patient"]["birth_date"] == date(1988, 3, 14)


def test_yaml_anchors_within_the_limits_are_expanded() -> None:
    data = decode_document("lab: &lab {laboratory: City}\nother: *lab\n", fmt="yaml")
    assert data["other"] == {"laboratory": "City"}


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_an_empty_document_is_refused(text: str, fmt: Format) -> None:
    problem = only(text, fmt)
    assert problem.path == ""
    assert "the file is empty" in str(problem)


def test_json_syntax_errors_name_line_and_column() -> None:
    problem = only('{\n  "a": 1,\n  "b": }\n')
    assert problem.path == "line 3, column 8"
    assert "not valid JSON" in problem.why
    assert str(problem).startswith("line 3, column 8: '}' — not valid JSON")


def test_yaml_syntax_errors_name_line_and_column() -> None:
    problem = only("a: [1, 2\n", "yaml")
    assert problem.path == "line 2, column 1"
    assert str(problem.value) == "(end of file)"
    assert "not valid YAML" in problem.why


@pytest.mark.parametrize(
    ("text", "fmt", "path"),
    [
        ('{"a": {"b": 1, "b": 2}}', "json", "a.b"),
        ('{"x": [{"k": 1, "k": 1}]}', "json", "x[0].k"),
        ("a:\n  b: 1\n  b: 2\n", "yaml", "line 3, column 3"),
    ],
)
def test_repeated_keys_are_refused(text: str, fmt: Format, path: str) -> None:
    problem = only(text, fmt)
    assert problem.path == path
    assert "more than once" in problem.why or "repeated" in problem.why


@pytest.mark.parametrize(
    ("text", "fmt", "path"),
    [
        ('{"a": NaN}', "json", "a"),
        ('{"a": [1, -Infinity]}', "json", "a[1]"),
        ('{"a": {"b": 1e400}}', "json", "a.b"),
        ("a: .nan\n", "yaml", "a"),
        ("a: [.inf]\n", "yaml", "a[0]"),
    ],
)
def test_non_finite_numbers_are_refused_at_their_path(text: str, fmt: Format, path: str) -> None:
    problem = only(text, fmt)
    assert problem.path == path
    assert "not a finite number" in problem.why


@pytest.mark.parametrize(
    ("text", "fmt", "shown"),
    [
        ("[1, 2]", "json", "a list"),
        ('"text"', "json", "text"),
        ("3", "json", "a number"),
        ("null", "json", "null"),
        ("- a\n", "yaml", "a list"),
        ("~\n", "yaml", "null"),
        ("true\n", "yaml", "true"),
    ],
)
def test_the_top_level_must_be_an_object(text: str, fmt: Format, shown: str) -> None:
    problem = only(text, fmt)
    assert problem.path == ""
    assert str(problem.value) == shown
    assert "must be an object" in problem.why


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 1\n",
    ],
)
def test_yaml_tags_beyond_the_plain_types_are_refused(text: str) -> None:
    problem = only(text, "yaml")
    assert problem.path == "line 1, column 4"
    assert "could not determine a constructor" in problem.why


@pytest.mark.parametrize(
    ("text", "path"),
    [("a: !!binary aGVsbG8=\n", "a"), ("a: !!omap [x: 1]\n", "a[0]")],
)
def test_yaml_values_that_are_not_plain_are_refused(text: str, path: str) -> None:
    problem = only(text, "yaml")
    assert problem.path == path
    assert "not a plain value" in problem.why


def test_yaml_keys_must_be_text() -> None:
    problem = only("patient:\n  1: x\n", "yaml")
    assert problem.path == "patient"
    assert problem.value == 1
    assert "keys must be text" in problem.why


def test_a_recursive_alias_is_refused() -> None:
    problem = only("a: &x\n  b: *x\n", "yaml")
    assert problem.path.startswith("line 1")
    assert "contains it" in problem.why


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    problem = only("\n".join(lines), "yaml")
    assert "NIDATION_MAX_CASE_NODES" in problem.why


def test_the_alias_limit_comes_from_the_settings(set_env: Callable[[str, str], None]) -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert decode_document(text, fmt="yaml")["b"][2] == [1, 2, 3]
    set_env("NIDATION_MAX_CASE_NODES", "10")
    assert "more than 10 values" in only(text, "yaml").why


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_deep_nesting_is_refused(fmt: Format) -> None:
    text = '{"a": ' + "[" * 50 + "]" * 50 + "}"
    problem = only(text, fmt)
    assert "nested more than 32 levels" in problem.why


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_nesting_that_would_overflow_the_parser_is_refused(fmt: Format) -> None:
    problem = only("[" * 200_000, fmt)
    assert "nested more than" in problem.why or "not valid" in problem.why


def test_the_size_limit_comes_from_the_settings(set_env: Callable[[str, str], None]) -> None:
    text = '{"patient": {"id": "P1"}}'
    set_env("NIDATION_MAX_CASE_BYTES", str(len(text) - 1))
    problem = only(text)
    assert str(problem.value) == f"{len(text)} bytes"
    assert "NIDATION_MAX_CASE_BYTES" in problem.why


def test_an_integer_with_thousands_of_digits_is_refused() -> None:
    problem = only('{"a": ' + "7" * 5000 + "}")
    assert "too many digits" in problem.why


def test_a_control_character_in_yaml_is_refused_with_its_position() -> None:
    problem = only("a: b\nc: \x00\n", "yaml")
    assert problem.path == "line 2, column 4"
    assert "#x0000" in problem.why


def test_two_yaml_documents_are_refused() -> None:
    problem = only("a: 1\n---\nb: 2\n", "yaml")
    assert problem.path == "line 2, column 1"
    assert "single document" in problem.why


def test_every_non_finite_value_and_repeated_key_is_reported_at_once() -> None:
    problems = refused('{"a": NaN, "b": {"c": 1, "c": 2}, "d": [Infinity]}')
    assert sorted(p.path for p in problems) == ["a", "b.c", "d[0]"]

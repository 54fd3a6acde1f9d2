"""The published JSON Schema of a case file."""

from __future__ import annotations

import json
from pathlib import Path

from nidation.domain import SCHEMA_VERSION, Case
from nidation.io.schema import CASE_SCHEMA_ID, case_json_schema, case_json_schema_text

COMMITTED = Path(__file__).parents[2] / "docs" / "schema" / "case.schema.json"


def test_the_committed_schema_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == case_json_schema_text(), (
        "docs/schema/case.schema.json is out of date: "
        "run `nidation schema > docs/schema/case.schema.json`"
    )


def test_the_schema_names_itself_and_its_version() -> None:
    schema = case_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == CASE_SCHEMA_ID
    assert CASE_SCHEMA_ID.endswith(f":{SCHEMA_VERSION}")
    assert schema["x-schema-version"] == SCHEMA_VERSION
    assert schema["title"] == "Nidation case"
    assert "knowledge base" in schema["description"]


def test_the_schema_describes_every_field_of_a_case() -> None:
    schema = case_json_schema()
    assert set(schema["properties"]) == set(Case.model_fields)
    assert schema["required"] == ["patient"]
    assert schema["additionalProperties"] is False
    assert {"Patient", "Pregnancy", "Transfer", "LabResult"} <= set(schema["$defs"])


def test_the_schema_text_is_stable_json() -> None:
    text = case_json_schema_text()
    assert text.endswith("}\n")
    assert json.loads(text) == case_json_schema()


def test_the_committed_assessment_schema_matches_the_code() -> None:
    from nidation.io.schema import assessment_json_schema_text

    committed = (COMMITTED.parent / "assessment.schema.json").read_text(encoding="utf-8")
    assert committed == assessment_json_schema_text(), (
        "regenerate: uv run nidation schema --assessment > docs/schema/assessment.schema.json"
    )

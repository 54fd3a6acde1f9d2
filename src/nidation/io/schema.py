"""The JSON Schema of a case file, generated from the domain models.

The committed copy at ``docs/schema/case.schema.json`` is checked against this by a test; run
``nidation schema > docs/schema/case.schema.json`` after changing the models.
"""

from __future__ import annotations

import json
from typing import Any

from nidation.domain import SCHEMA_VERSION, Case

__all__ = [
    "ASSESSMENT_SCHEMA_ID",
    "CASE_SCHEMA_ID",
    "assessment_json_schema_text",
    "case_json_schema",
    "case_json_schema_text",
]

CASE_SCHEMA_ID = f"urn:nidation:schema:case:{SCHEMA_VERSION}"
"""The schema's ``$id``; it changes only when ``SCHEMA_VERSION`` does."""


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a Nidation case file."""
    body = Case.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CASE_SCHEMA_ID,
        "title": "Nidation case",
        "description": (
            "One patient's reproductive history and results, as read by Nidation "
            f"(case schema version {SCHEMA_VERSION}). Plausibility limits, laboratory tests "
            "and their units, and code lists are checked against the knowledge base, "
            "not by this schema."
        ),
        "x-schema-version": SCHEMA_VERSION,
        **{k: v for k, v in body.items() if k not in ("title", "description")},
    }


def case_json_schema_text() -> str:
    """The schema as stable, indented JSON text (as committed in ``docs/schema``)."""
    return json.dumps(case_json_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def assessment_json_schema_text() -> str:
    """The JSON Schema of an assessment (``nidation assess --json``), as committed."""
    from nidation.engine.result import ASSESSMENT_SCHEMA_VERSION, Assessment

    body = Assessment.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ASSESSMENT_SCHEMA_ID,
        "title": "Nidation assessment",
        "description": (
            "What Nidation concluded for one patient: definitions, predictions (and, as they "
            "are added, causes, investigations and therapies), each with its rule, status, "
            "evidence and sources; assessment schema version "
            f"{ASSESSMENT_SCHEMA_VERSION}."
        ),
        "x-schema-version": ASSESSMENT_SCHEMA_VERSION,
        **{k: v for k, v in body.items() if k not in ("title", "description")},
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


ASSESSMENT_SCHEMA_ID = "urn:nidation:schema:assessment:1"

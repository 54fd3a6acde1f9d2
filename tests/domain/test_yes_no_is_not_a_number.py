"""A yes/no value is never read as a number: ``false`` must not silently become 0."""

from __future__ import annotations

from typing import Any

import pytest

from nidation.domain import ValidationContext, parse_case
from nidation.errors import InputError


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"patient": {"id": "X", "age_years": True}}, "patient.age_years"),
        ({"patient": {"id": "X", "age_years": 34, "weight_kg": False}}, "patient.weight_kg"),
        (
            {
                "patient": {"id": "X", "age_years": 34},
                "findings": [
                    {"kind": "endometrial_microbiome", "present": True, "lactobacillus_pct": False}
                ],
            },
            "findings[0].lactobacillus_pct",
        ),
    ],
)
def test_a_boolean_for_a_number_is_refused_naming_the_field(
    doc: dict[str, Any], path: str, ctx: ValidationContext
) -> None:
    with pytest.raises(InputError) as err:
        parse_case({"schema_version": "1", **doc}, context=ctx)
    problems = {p.path: p for p in err.value.problems}
    assert path in problems
    assert "yes/no" in problems[path].why


def test_booleans_stay_accepted_where_a_yes_no_is_expected(ctx: ValidationContext) -> None:
    doc = {
        "schema_version": "1",
        "patient": {"id": "X", "age_years": 34},
        "findings": [{"kind": "endometrial_microbiome", "present": True, "lactobacillus_pct": 95}],
    }
    case = parse_case(doc, context=ctx)
    assert case.findings[0].present is True
    assert case.findings[0].lactobacillus_pct == 95

"""Every example gives both reports as Markdown in both languages, with nothing unrendered."""

from __future__ import annotations

import pytest

from tests.reports.conftest import EXAMPLE_FILES, Assessed, Render

HEADINGS = {
    ("clinician", "en"): ["# Clinician report", "## Causes", "## Investigation plan", "## Sources"],
    ("clinician", "es"): ["# Informe clínico", "## Causas", "## Plan de estudio", "## Fuentes"],
    ("patient", "en"): ["# Your results summary", "## What is still unknown", "## Support for you"],
    ("patient", "es"): ["# Resumen de sus resultados", "## Qué no se sabe todavía"],
}


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_markdown_report(
    name: str, audience: str, lang: str, render: Render, assessed: Assessed
) -> None:
    text = render(name, audience, "md", lang)
    for heading in HEADINGS[(audience, lang)]:
        assert f"\n{heading}" in f"\n{text}", heading
    for leftover in ("{{", "{%", "%(", "None", "\n\n\n"):
        assert leftover not in text, leftover
    _case, assessment = assessed[name]
    assert assessment.patient_id in text
    if audience == "clinician":
        for outcome in assessment.trace:
            assert f"`{outcome.rule_id}`" in text

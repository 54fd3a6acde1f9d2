"""Reports as HTML (self-contained: inline CSS and SVG, no external URL) and as Markdown."""

from __future__ import annotations

import re

from nidation.domain import Case
from nidation.engine.result import Assessment
from nidation.knowledge import Knowledge
from nidation.reports.charts import chance_chart, timeline_chart
from nidation.reports.clinician import build_clinician_report
from nidation.reports.i18n import translations
from nidation.reports.patient import build_patient_summary
from nidation.reports.templating import environment

__all__ = ["clinician_html", "clinician_markdown", "patient_html", "patient_markdown"]


def _tidy(markdown: str) -> str:
    """One blank line between blocks, and before every heading."""
    markdown = re.sub(r"(?m)^[ \t]+$", "", markdown)
    markdown = re.sub(r"([^\n])\n(#{1,6} )", r"\1\n\n\2", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def clinician_html(
    assessment: Assessment, case: Case, *, lang: str = "en", knowledge: Knowledge | None = None
) -> str:
    report = build_clinician_report(assessment, case, knowledge=knowledge)
    gettext = translations(lang).gettext
    return (
        environment(lang)
        .get_template("clinician.html.j2")
        .render(
            r=report,
            timeline_svg=timeline_chart(report.timeline, gettext),
            chance_svg=chance_chart(report.chances, report.threshold, gettext),
        )
    )


def clinician_markdown(
    assessment: Assessment, case: Case, *, lang: str = "en", knowledge: Knowledge | None = None
) -> str:
    report = build_clinician_report(assessment, case, knowledge=knowledge)
    return _tidy(environment(lang).get_template("clinician.md.j2").render(r=report))


def patient_html(assessment: Assessment, case: Case, *, lang: str = "en") -> str:
    summary = build_patient_summary(assessment, case)
    return environment(lang).get_template("patient.html.j2").render(s=summary)


def patient_markdown(assessment: Assessment, case: Case, *, lang: str = "en") -> str:
    summary = build_patient_summary(assessment, case)
    return _tidy(environment(lang).get_template("patient.md.j2").render(s=summary))

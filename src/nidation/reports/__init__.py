"""Reports of an Assessment: the clinician report (HTML, PDF, Markdown) and the patient summary.

    from nidation.reports import render_report
    data = render_report(assessment, case, audience="patient", fmt="html", lang="es")

Every clinical statement comes from the Assessment; templates add only headings, labels and
plain-language framing. English and Spanish catalogues live in ``locale/``.
"""

from __future__ import annotations

from typing import Literal, get_args

from nidation.domain import Case
from nidation.engine.result import Assessment
from nidation.knowledge import Knowledge
from nidation.reports.html import clinician_html, clinician_markdown, patient_html, patient_markdown
from nidation.reports.i18n import LANGUAGES

__all__ = ["AUDIENCES", "FORMATS", "LANGUAGES", "Audience", "Format", "render_report"]

Audience = Literal["clinician", "patient"]
Format = Literal["html", "pdf", "md"]
AUDIENCES: tuple[str, ...] = get_args(Audience)
FORMATS: tuple[str, ...] = get_args(Format)


def render_report(
    assessment: Assessment,
    case: Case,
    *,
    audience: Audience,
    fmt: Format,
    lang: str = "en",
    knowledge: Knowledge | None = None,
) -> bytes:
    """The report as bytes (UTF-8 text for HTML and Markdown)."""
    if audience not in AUDIENCES:
        raise ValueError(
            f"The 'audience' parameter of render_report must be one of {', '.join(AUDIENCES)}. "
            f"Got {audience!r} instead."
        )
    if fmt not in FORMATS:
        raise ValueError(
            f"The 'fmt' parameter of render_report must be one of {', '.join(FORMATS)}. "
            f"Got {fmt!r} instead."
        )
    if fmt == "md":
        text = (
            clinician_markdown(assessment, case, lang=lang, knowledge=knowledge)
            if audience == "clinician"
            else patient_markdown(assessment, case, lang=lang)
        )
        return text.encode()
    html = (
        clinician_html(assessment, case, lang=lang, knowledge=knowledge)
        if audience == "clinician"
        else patient_html(assessment, case, lang=lang)
    )
    if fmt == "pdf":
        from nidation.reports.pdf import html_to_pdf

        return html_to_pdf(html)
    return html.encode()

"""The assessment panel's content: the Assessment as the reports package words it, or the
problems that stop it. Nothing clinical is decided or written here."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nidation.api import Assessor
from nidation.engine.result import DISCLAIMER
from nidation.errors import InputError, Problem
from nidation.interfaces.web import service
from nidation.reports.charts import chance_chart, timeline_chart
from nidation.reports.clinician import build_clinician_report
from nidation.reports.i18n import translations
from nidation.reports.model import ClinicianReport

__all__ = ["Panel", "build_panel", "place_problems"]

_CHARTS = threading.Lock()  # matplotlib's pyplot state is not thread-safe


@dataclass
class Panel:
    """What the panel shows: a report model and its charts, or the problems found."""

    problems: tuple[Problem, ...] = ()
    report: ClinicianReport | None = None
    timeline_svg: str | None = None
    chance_svg: str | None = None
    disclaimer: str = DISCLAIMER
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)


def build_panel(doc: dict[str, Any], assessor: Assessor, *, today: date | None = None) -> Panel:
    """Validate and assess the form's case document (CPU-bound: run in a threadpool)."""
    try:
        case = service.case_from_data(doc, assessor, today=today)
    except InputError as exc:
        return Panel(problems=exc.problems)
    assessment = service.assess(case, assessor, today=today)
    report = build_clinician_report(assessment, case, knowledge=assessor.knowledge)
    gettext = translations("en").gettext
    with _CHARTS:
        timeline_svg = timeline_chart(report.timeline, gettext)
        chance_svg = chance_chart(report.chances, report.threshold, gettext)
    return Panel(
        report=report,
        timeline_svg=timeline_svg,
        chance_svg=chance_svg,
        disclaimer=assessment.disclaimer,
    )


def place_problems(panel: Panel, slots: set[str]) -> None:
    """Put each problem beside the input (or row) it names; the rest go to the panel's list.

    ``slots`` are the form's field paths and row paths. A problem on a path the form has no
    input for (e.g. a whole record) goes to the nearest enclosing row.
    """
    for p in panel.problems:
        path = p.path
        while path and path not in slots:
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        if path:
            panel.field_errors.setdefault(path, []).append(_beside(p))
        else:
            panel.general.append(p)


def _beside(p: Problem) -> str:
    text = str(p)
    return text.split(": ", 1)[1] if ": " in text else text

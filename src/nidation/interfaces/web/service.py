"""What the API and the web page do with a case: read it, assess it, report it.

Every function is synchronous and CPU-bound: callers run it in a threadpool. Bad input raises
:class:`~nidation.errors.InputError`; nothing here holds on to a case after returning.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from typing import Any

from nidation.api import Assessor
from nidation.domain import Case, parse_case
from nidation.engine.result import Assessment
from nidation.errors import InputError, Problem
from nidation.io.case_file import parse_case_text
from nidation.io.document import Format as DocFormat
from nidation.io.document import Shown
from nidation.reports import Audience, Format, render_report

__all__ = ["MEDIA_TYPES", "assess", "case_from_body", "case_from_data", "report"]

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


def case_from_body(
    body: bytes, content_type: str, assessor: Assessor, *, today: date | None = None
) -> Case:
    """Validate a request body (JSON, or YAML when the content type says so) into a Case."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem("", Shown(f"byte {exc.start}"), "not UTF-8 text", "Send the case as UTF-8")],
            source="request body",
        ) from None
    fmt: DocFormat = "yaml" if "yaml" in content_type.lower() else "json"
    return parse_case_text(
        text, fmt=fmt, source="request body", knowledge=assessor.knowledge, today=today
    )


def case_from_data(data: dict[str, Any], assessor: Assessor, *, today: date | None = None) -> Case:
    """Validate an already-decoded document (e.g. from the web form) into a Case."""
    return parse_case(data, context=assessor.knowledge.validation_context(today=today))


#: Assessments run at once: about one per core. More would only compete for the CPU (measured:
#: 50 concurrent requests halved throughput), so further requests wait their turn.
_ENGINE_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def assess(case: Case, assessor: Assessor, *, today: date | None = None) -> Assessment:
    with _ENGINE_SLOTS:
        return assessor.assess(case, today=today)


def report(
    case: Case,
    assessor: Assessor,
    *,
    audience: Audience,
    fmt: Format,
    lang: str,
    today: date | None = None,
) -> bytes:
    assessment = assess(case, assessor, today=today)
    return render_report(
        assessment, case, audience=audience, fmt=fmt, lang=lang, knowledge=assessor.knowledge
    )

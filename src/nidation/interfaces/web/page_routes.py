"""The web page: the case form, its htmx assessment panel, loading, downloads and reports.

Stateless: the case lives in the form. Every change posts the form to ``/panel``, which answers
with the panel and, out of band, the message beside every field (empty where the field is fine).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

import nidation
from nidation.api import Assessor
from nidation.errors import InputError, Problem
from nidation.interfaces.web import service
from nidation.interfaces.web.deps import AssessorDep
from nidation.interfaces.web.form_data import (
    add_row,
    field_index,
    parse_form,
    remove_row,
    shown,
    slots_of,
    slug,
    value_at,
)
from nidation.interfaces.web.form_spec import case_sections
from nidation.interfaces.web.panel import Panel, build_panel, place_problems
from nidation.io.case_file import FORMATS, read_case_document
from nidation.io.document import decode_document
from nidation.reports.i18n import translations

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
EXAMPLES = Path(nidation.__file__).resolve().parents[2] / "examples"


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("nidation.interfaces.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(slug=slug, shown=shown, value_at=value_at, _=translations("en").gettext)
    return env


def _examples() -> list[str]:
    if not EXAMPLES.is_dir():
        return []
    return sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in FORMATS and p.is_file())


def _context(assessor: Assessor, doc: dict[str, Any], panel: Panel | None) -> dict[str, Any]:
    top, sections = case_sections(assessor.knowledge)
    labs = assessor.knowledge.labs
    if panel is not None:
        fields, rows = slots_of(doc, top, sections)
        place_problems(panel, fields | rows)
    return {
        "top": top,
        "sections": sections,
        "doc": doc,
        "panel": panel or Panel(),
        "errors": panel.field_errors if panel else {},
        "lab_units": [
            (t, labs.accepted_units(t)) for t in labs.known_tests() if labs.tests[t].units
        ],
        "disclaimer": Panel().disclaimer,
        "examples": _examples(),
    }


def _render(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)


async def _page(
    assessor: Assessor,
    doc: dict[str, Any],
    *,
    example: str = "",
    problems: tuple[Problem, ...] = (),
) -> HTMLResponse:
    panel = await run_in_threadpool(build_panel, doc, assessor) if doc else None
    context = _context(assessor, doc, panel)
    return HTMLResponse(
        _render("page.html.j2", example=example, load_problems=problems, **context),
        status_code=422 if problems else 200,
    )


async def _posted(request: Request, assessor: Assessor) -> dict[str, Any]:
    form = await request.form()
    top, sections = case_sections(assessor.knowledge)
    pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return parse_form(pairs, field_index(top, sections))


@router.get("/", response_class=HTMLResponse)
async def page(assessor: AssessorDep, example: str = "") -> HTMLResponse:
    if not example:
        return await _page(assessor, {})
    if example not in _examples():
        problem = Problem("example", example, "not a bundled example", "Pick one from the list")
        return await _page(assessor, {}, problems=(problem,))
    try:
        doc = await run_in_threadpool(read_case_document, EXAMPLES / example)
    except InputError as exc:
        return await _page(assessor, {}, example=example, problems=exc.problems)
    return await _page(assessor, doc, example=example)


@router.post("/load", response_class=HTMLResponse)
async def load(assessor: AssessorDep, file: UploadFile) -> HTMLResponse:
    suffix = Path(file.filename or "").suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        why = "not a case file; open a .json, .yaml or .yml file"
        return await _page(assessor, {}, problems=(Problem("file", suffix or "(none)", why),))
    raw = await file.read()
    try:
        text = raw.decode("utf-8-sig")
        doc = await run_in_threadpool(decode_document, text, fmt=fmt, source=file.filename or "")
    except UnicodeDecodeError:
        problem = Problem("file", file.filename, "not UTF-8 text", "Save the file as UTF-8")
        return await _page(assessor, {}, problems=(problem,))
    except InputError as exc:
        return await _page(assessor, {}, problems=exc.problems)
    return await _page(assessor, doc)


@router.post("/form", response_class=HTMLResponse)
async def edit_rows(
    request: Request, assessor: AssessorDep, add: str = "", remove: str = ""
) -> HTMLResponse:
    doc = await _posted(request, assessor)
    if add:
        add_row(doc, add)
    if remove:
        remove_row(doc, remove)
    return HTMLResponse(_render("_form.html.j2", **_context(assessor, doc, None)))


@router.post("/panel", response_class=HTMLResponse)
async def panel(request: Request, assessor: AssessorDep) -> HTMLResponse:
    doc = await _posted(request, assessor)
    built = await run_in_threadpool(build_panel, doc, assessor)
    context = _context(assessor, doc, built)
    fields, rows = slots_of(doc, context["top"], context["sections"])
    return HTMLResponse(_render("_panel.html.j2", oob=sorted(fields | rows), rows=rows, **context))


@router.post("/download")
async def download(
    request: Request,
    assessor: AssessorDep,
    fmt: Literal["yaml", "json"] = Query("yaml", alias="format"),
) -> Response:
    doc = await _posted(request, assessor)
    name = slug(str(value_at(doc, "patient.id") or "case")) or "case"
    if fmt == "json":
        body = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        media = "application/json"
    else:
        body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        media = "application/yaml"
    return Response(
        body.encode(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.post("/report")
async def report(
    request: Request,
    assessor: AssessorDep,
    audience: Literal["clinician", "patient"] = "clinician",
    fmt: Literal["html", "pdf", "md"] = Query("pdf", alias="format"),
    lang: Literal["en", "es"] = "en",
) -> Response:
    doc = await _posted(request, assessor)
    try:
        case = await run_in_threadpool(service.case_from_data, doc, assessor)
    except InputError as exc:
        return HTMLResponse(_render("refused.html.j2", problems=exc.problems), status_code=422)
    data = await run_in_threadpool(
        service.report, case, assessor, audience=audience, fmt=fmt, lang=lang
    )
    name = slug(f"nidation-{audience}-{lang}-{case.patient.id}")
    return Response(
        data,
        media_type=service.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )

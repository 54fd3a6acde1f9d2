"""The JSON API, ``/v1``: assess, report and validate a case; the rules and the knowledge base.

A case is the request body, as JSON (or YAML with ``Content-Type: application/yaml``), in the
schema published as ``Case`` in ``/openapi.json``. The body is read here and every piece of
CPU work (validation, the rules, rendering) runs in the threadpool.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from nidation.engine.result import Assessment
from nidation.errors import InputError, Problem
from nidation.interfaces.web import service
from nidation.interfaces.web.deps import AssessorDep
from nidation.interfaces.web.errors import ProblemsOut
from nidation.interfaces.web.schemas import (
    KnowledgeInfo,
    RuleDetail,
    RuleSummary,
    Validation,
    rule_detail,
    rule_summary,
)

__all__ = ["CASE_SCHEMA_REF", "router"]

router = APIRouter(prefix="/v1")

CASE_SCHEMA_REF = "#/components/schemas/Case"
_CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One patient's case (the schema of `nidation schema`).",
        "content": {
            "application/json": {"schema": {"$ref": CASE_SCHEMA_REF}},
            "application/yaml": {"schema": {"$ref": CASE_SCHEMA_REF}},
        },
    }
}
_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemsOut, "description": "The case or a parameter was refused"},
    413: {"model": ProblemsOut, "description": "The body is larger than the case size limit"},
}

Today = Annotated[
    str | None,
    Query(
        description="Assessment date (YYYY-MM-DD) for a case without as_of; future dates in "
        "the case are judged against it",
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
    ),
]


def _day(today: str | None) -> date | None:
    """The ``today`` parameter as a date (strict: YYYY-MM-DD only, no timestamps)."""
    if today is None:
        return None
    try:
        return date.fromisoformat(today)
    except ValueError:
        raise InputError(
            [Problem("query.today", today, "not a calendar date", "Give it as YYYY-MM-DD")]
        ) from None


async def _case(request: Request, assessor: AssessorDep, today: date | None) -> Any:
    body = await request.body()
    content_type = request.headers.get("content-type", "application/json")
    return await run_in_threadpool(
        service.case_from_body, body, content_type, assessor, today=today
    )


@router.post(
    "/assessments",
    tags=["assessments"],
    response_model=Assessment,
    responses=_REFUSED,
    openapi_extra=_CASE_BODY,
    summary="Assess one case",
)
async def post_assessment(request: Request, assessor: AssessorDep, today: Today = None) -> Response:
    """The Assessment of the case: definitions, predictions, causes, investigations,
    treatment protocol, surveillance, and every rule's trace with its sources."""
    day = _day(today)
    case = await _case(request, assessor, day)
    assessment = await run_in_threadpool(service.assess, case, assessor, today=day)
    return Response(assessment.model_dump_json(), media_type="application/json")


@router.post(
    "/reports",
    tags=["assessments"],
    response_class=Response,
    responses={
        200: {
            "description": "The report",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/markdown": {"schema": {"type": "string"}},
            },
        },
        **_REFUSED,
    },
    openapi_extra=_CASE_BODY,
    summary="Report one case (clinician report or patient summary)",
)
async def post_report(
    request: Request,
    assessor: AssessorDep,
    today: Today = None,
    audience: Literal["clinician", "patient"] = "clinician",
    fmt: Annotated[Literal["html", "pdf", "md"], Query(alias="format")] = "html",
    lang: Literal["en", "es"] = "en",
) -> Response:
    """The clinician report (HTML, PDF or Markdown) or the patient summary, in English or
    Spanish, of the case in the body."""
    day = _day(today)
    case = await _case(request, assessor, day)
    data = await run_in_threadpool(
        service.report, case, assessor, audience=audience, fmt=fmt, lang=lang, today=day
    )
    name = f"nidation-{audience}-{case.patient.id}.{fmt}"
    return Response(
        data,
        media_type=service.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{_safe(name)}"'},
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


@router.post(
    "/validate",
    tags=["assessments"],
    response_model=Validation,
    responses=_REFUSED,
    openapi_extra=_CASE_BODY,
    summary="Check a case: ok, or every problem",
)
async def post_validate(request: Request, assessor: AssessorDep, today: Today = None) -> Validation:
    """``{"ok": true, "problems": []}`` for a valid case; otherwise 422 with every problem,
    as the other case endpoints answer."""
    await _case(request, assessor, _day(today))
    return Validation(ok=True, problems=[])


@router.get("/rules", tags=["rules"], response_model=list[RuleSummary], summary="Every rule")
def get_rules(assessor: AssessorDep) -> list[RuleSummary]:
    return [rule_summary(r) for r in assessor.rules]


@router.get(
    "/rules/{rule_id}",
    tags=["rules"],
    response_model=RuleDetail,
    responses={404: {"model": ProblemsOut, "description": "No rule with this id or name"}},
    summary="One rule: its docs and sources",
)
def get_rule(rule_id: str, assessor: AssessorDep) -> RuleDetail:
    try:
        found = assessor.rules.get(rule_id)
    except KeyError:
        raise HTTPException(
            404,
            [Problem("rule_id", rule_id, "no rule with this id or name", "See GET /v1/rules")],
        ) from None
    return rule_detail(found, assessor.knowledge)


@router.get(
    "/knowledge",
    tags=["knowledge"],
    response_model=KnowledgeInfo,
    summary="The knowledge base: version, content hash and sources",
)
def get_knowledge(assessor: AssessorDep) -> KnowledgeInfo:
    kb = assessor.knowledge
    return KnowledgeInfo(
        version=kb.version,
        data_version=kb.data_version,
        content_hash=kb.content_hash,
        overlay=kb.overlay,
        sources=list(kb.sources.values()),
    )

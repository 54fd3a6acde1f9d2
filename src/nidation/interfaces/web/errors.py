"""How failures reach a client: every refusal in the project's Problem shape, never a traceback.

::

    InputError (a case or parameter refused)   → 422 {"detail": [Problem, ...]}
    RequestValidationError (FastAPI params)    → 422 {"detail": [Problem, ...]}
    BodyTooLarge (limits.py)                   → 413 {"detail": [Problem]}
    HTTPException (e.g. unknown rule)          → its status, {"detail": [Problem, ...]}
    any other exception                        → 500 {"detail": "..."} and a log line

A Problem is ``{"path", "value", "why", "action", "message"}`` (:meth:`Problem.as_dict`).
Logs name the request path and the exception type only, never the record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from nidation.domain.parse import path_of
from nidation.errors import InputError, Problem

__all__ = ["ProblemOut", "ProblemsOut", "install_error_handlers", "problem_response"]

log = logging.getLogger("nidation.web")

INTERNAL_ERROR = "Internal error: the request could not be completed. It has been logged."


class ProblemOut(BaseModel):
    """One thing wrong with the request, tied to where it is."""

    model_config = ConfigDict(extra="forbid")

    path: str
    value: Any = None
    why: str
    action: str
    message: str


class ProblemsOut(BaseModel):
    """Every problem found (not just the first)."""

    detail: list[ProblemOut]


def problem_response(status: int, problems: Iterable[Problem]) -> JSONResponse:
    return JSONResponse({"detail": [p.as_dict() for p in problems]}, status_code=status)


def _params_problems(errors: Sequence[Any]) -> list[Problem]:
    out = []
    for e in errors:
        loc = tuple(p for p in e.get("loc", ()) if isinstance(p, str | int))
        value = e.get("input")
        if isinstance(value, dict | list):
            value = "(object)" if isinstance(value, dict) else "(list)"
        why = str(e.get("msg", "invalid"))
        out.append(Problem(path_of(loc), value, why[:1].lower() + why[1:], "Check this parameter"))
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return problem_response(422, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _params(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(422, _params_problems(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if isinstance(detail, list) and all(isinstance(p, Problem) for p in detail):
            response = problem_response(exc.status_code, detail)
        else:
            response = JSONResponse({"detail": str(detail)}, status_code=exc.status_code)
        response.headers.update(exc.headers or {})  # e.g. Allow on 405
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
        return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)

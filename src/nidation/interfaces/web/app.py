"""The FastAPI application: JSON API, web page, static files, limits and error handlers.

    uvicorn nidation.interfaces.web.app:create_app --factory --host 127.0.0.1

Local and single-user: nothing is stored, nothing is fetched from other hosts. The rule plan
is compiled once, at start-up (about 10 s), unless an assessor is passed in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from nidation._version import __version__
from nidation.api import Assessor, default_assessor
from nidation.domain import Case
from nidation.interfaces.web import api_routes, page_routes
from nidation.interfaces.web.deps import AssessorDep
from nidation.interfaces.web.errors import install_error_handlers
from nidation.interfaces.web.limits import BodyLimit
from nidation.interfaces.web.schemas import Health

__all__ = ["create_app"]

STATIC = files("nidation.interfaces.web") / "static"


def create_app(assessor: Assessor | None = None, *, warm: bool = True) -> FastAPI:
    """The app; ``assessor`` defaults to the process's :func:`default_assessor`, compiled at
    start-up when ``warm`` (else on the first request that needs it)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm and app.state.assessor is None:
            app.state.assessor = await run_in_threadpool(default_assessor)
        yield

    app = FastAPI(
        title="Nidation",
        version=__version__,
        summary="Guideline-traced assessment of recurrent pregnancy loss and implantation failure",
        description=(
            "Local, single-user service: nothing is stored. Bad input is answered with 422 and "
            "every problem (`path`, `value`, `why`, `action`, `message`)."
        ),
        lifespan=lifespan,
    )
    app.state.assessor = assessor
    app.add_middleware(BodyLimit)
    install_error_handlers(app)
    app.include_router(api_routes.router)
    app.include_router(page_routes.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/health", tags=["service"], response_model=Health)
    def health(assessor: AssessorDep) -> Health:
        return Health(nidation_version=__version__, knowledge_version=assessor.knowledge.version)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_case_schema(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _with_case_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Publish the case model (the request body of the case endpoints) as ``Case``."""
    body = Case.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in {**body.pop("$defs", {}), "Case": body}.items():
        if name in schemas and schemas[name] != schema:
            raise RuntimeError(f"OpenAPI component {name!r} is defined twice, differently")
        schemas[name] = schema
    return spec

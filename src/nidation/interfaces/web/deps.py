"""Typed dependencies shared by the routes: the process's compiled assessor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from nidation.api import Assessor, default_assessor

__all__ = ["AssessorDep", "get_assessor"]


def get_assessor(request: Request) -> Assessor:
    """The assessor the app was created with, else the process's default one (compiled once
    per process: at start-up when the app's lifespan runs, else on first use)."""
    assessor: Assessor | None = request.app.state.assessor
    return assessor if assessor is not None else default_assessor()


AssessorDep = Annotated[Assessor, Depends(get_assessor)]

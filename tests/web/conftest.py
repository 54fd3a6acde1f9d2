"""One app (and one compiled rule plan) for every web test in the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def web_app() -> FastAPI:
    from nidation.api import default_assessor
    from nidation.interfaces.web.app import create_app

    return create_app(default_assessor())


@pytest.fixture(scope="session")
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


def example_text(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


YAML = {"content-type": "application/yaml"}

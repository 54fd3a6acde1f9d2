"""The JSON API through FastAPI's TestClient: results, reports, refusals, limits."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from nidation.api import default_assessor
from nidation.engine.result import DISCLAIMER
from nidation.io.case_file import read_case
from tests.web.conftest import EXAMPLES, YAML, example_text


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["knowledge_version"] == default_assessor().knowledge.version


def test_assessment_equals_the_python_api(client: TestClient) -> None:
    name = "thyroid-autoimmunity.yaml"
    response = client.post("/v1/assessments", content=example_text(name), headers=YAML)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = default_assessor().assess(read_case(EXAMPLES / name))
    assert response.json() == json.loads(expected.model_dump_json())
    assert response.json()["disclaimer"] == DISCLAIMER


def test_json_body_and_today(client: TestClient) -> None:
    data = json.loads((EXAMPLES / "obstetric-aps.json").read_text(encoding="utf-8"))
    data.pop("as_of", None)
    response = client.post("/v1/assessments", params={"today": "2026-11-02"}, json=data)
    assert response.status_code == 200, response.text
    assert response.json()["as_of"] == "2026-11-02"


def test_every_problem_is_returned_with_its_path(client: TestClient) -> None:
    case = {
        "patient": {"id": "P1", "age_years": 300},
        "labs": [{"test": "no_such_test", "value": 1, "date": "2020-01-01"}],
        "pregnancies": [{"id": "G1"}],
    }
    response = client.post("/v1/assessments", json=case)
    assert response.status_code == 422
    problems = response.json()["detail"]
    paths = {p["path"] for p in problems}
    assert {"patient.age_years", "labs[0].test", "pregnancies[0].outcome"} <= paths
    first = next(p for p in problems if p["path"] == "patient.age_years")
    assert first["value"] == 300
    assert "plausible" in first["why"]
    assert set(first) == {"path", "value", "why", "action", "message"}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", {}),
        (b"[1, 2]", {}),
        (b"patient: [unclosed", YAML),
        (b"\xff\xfe\x00", {}),
        (b"", {}),
    ],
)
def test_malformed_bodies_are_422(client: TestClient, body: bytes, headers: dict[str, str]) -> None:
    response = client.post("/v1/assessments", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["why"]


def test_bad_query_parameter_is_422_in_problem_shape(client: TestClient) -> None:
    response = client.post("/v1/reports", params={"audience": "nurse"}, content=b"{}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["path"] == "query.audience"


def test_body_over_the_limit_is_413(
    client: TestClient, set_env: Callable[[str, str], None]
) -> None:
    set_env("NIDATION_MAX_CASE_BYTES", "1000")
    response = client.post("/v1/validate", content=b" " * 1001)
    assert response.status_code == 413
    assert "NIDATION_MAX_CASE_BYTES" in response.json()["detail"][0]["why"]
    assert client.post("/v1/validate", json={"patient": {"id": "P1"}}).status_code == 200


def test_unexpected_failure_is_a_short_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from nidation.interfaces.web import service

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail of a defect")

    monkeypatch.setattr(service, "assess", broken)
    response = client.post("/v1/assessments", content=example_text("rif-only.yaml"), headers=YAML)
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text


@pytest.mark.parametrize(
    ("params", "media", "start"),
    [
        ({"format": "pdf"}, "application/pdf", b"%PDF"),
        ({"format": "html", "audience": "patient", "lang": "es"}, "text/html", b"<!DOCTYPE"),
        ({"format": "md"}, "text/markdown", b"#"),
    ],
)
def test_reports(client: TestClient, params: dict[str, str], media: str, start: bytes) -> None:
    response = client.post(
        "/v1/reports", params=params, content=example_text("rpl-only.yaml"), headers=YAML
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert response.content.lstrip()[: len(start)].upper() == start.upper()
    assert "attachment" in response.headers["content-disposition"]


def test_validate(client: TestClient) -> None:
    ok = client.post("/v1/validate", content=example_text("rif-only.yaml"), headers=YAML)
    assert ok.json() == {"ok": True, "problems": []}
    bad = client.post("/v1/validate", json={"patient": {}})
    assert bad.status_code == 422
    assert [p["path"] for p in bad.json()["detail"]] == ["patient.id"]
    timestamp = client.post("/v1/validate", params={"today": "0"}, json={"patient": {}})
    assert timestamp.json()["detail"][0]["path"] == "query.today"


def test_rules(client: TestClient) -> None:
    rules = client.get("/v1/rules").json()
    ids = [r["id"] for r in rules]
    assert "RIF-DEF-001" in ids and len(ids) == len(set(ids))
    one = client.get("/v1/rules/RIF-DEF-001").json()
    assert one["id"] == "RIF-DEF-001" and one["doc"] and one["sources"]
    missing = client.get("/v1/rules/NO-SUCH-001")
    assert missing.status_code == 404
    assert missing.json()["detail"][0]["value"] == "NO-SUCH-001"


def test_knowledge(client: TestClient) -> None:
    kb = default_assessor().knowledge
    body = client.get("/v1/knowledge").json()
    assert body["version"] == kb.version and body["content_hash"] == kb.content_hash
    assert {s["key"] for s in body["sources"]} == set(kb.sources)


def test_openapi_publishes_the_case_schema_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "Case" in spec["components"]["schemas"]
    body = spec["paths"]["/v1/assessments"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Case"}
    assert {"/v1/reports", "/v1/validate", "/v1/rules/{rule_id}", "/health"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200

"""The web page through TestClient: the form round-trips a case, the panel follows the form."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import yaml
from fastapi.testclient import TestClient

from nidation.engine.result import DISCLAIMER
from nidation.io.case_file import read_case
from tests.web.conftest import EXAMPLES
from tests.web.forms import form_pairs

FORM = {"content-type": "application/x-www-form-urlencoded"}
BADGE = re.compile(r'class="badge[^>]*>([^<]*)</span>\s*<strong>([^<]*)</strong>')


def _post(client: TestClient, url: str, pairs: list[tuple[str, str]]) -> str:
    response = client.post(url, content=urlencode(pairs), headers=FORM)
    assert response.status_code == 200, response.text[:500]
    return response.text


def _status(html: str, title: str) -> str:
    return next(status for status, t in BADGE.findall(html) if t == title)


def _example(client: TestClient, name: str) -> list[tuple[str, str]]:
    page = client.get("/", params={"example": name})
    assert page.status_code == 200
    assert DISCLAIMER in page.text
    return form_pairs(page.text)


def test_every_input_has_a_label(client: TestClient) -> None:
    html = client.get("/", params={"example": "rpl-and-rif.yaml"}).text
    ids = set(re.findall(r'<(?:input|select)[^>]*\sid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and ids <= labelled


def test_form_round_trips_every_example(client: TestClient, tmp_path: Path) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        pairs = _example(client, path.name)
        text = _post(client, "/download?format=yaml", pairs)
        assert yaml.safe_load(text)
        again = tmp_path / path.name
        again.write_text(text, encoding="utf-8")
        assert read_case(again) == read_case(path), path.name


def test_panel_follows_a_lab_value_across_its_threshold(client: TestClient) -> None:
    pairs = _example(client, "thyroid-autoimmunity.yaml")
    before = _post(client, "/panel", pairs)
    assert _status(before, "thyroid dysfunction") == "ruled out"
    raised = [(k, "9.5" if k == "labs[0].value" else v) for k, v in pairs]
    after = _post(client, "/panel", raised)
    assert _status(after, "thyroid dysfunction") == "supported"


def test_problem_is_shown_beside_its_field(client: TestClient) -> None:
    pairs = _example(client, "thyroid-autoimmunity.yaml")
    bad = [(k, "abc" if k == "labs[0].value" else v) for k, v in pairs]
    html = _post(client, "/panel", bad)
    beside = re.search(r'id="err-labs-0-value"[^>]*hx-swap-oob="true">([^<]+)<', html)
    assert beside and "number" in beside.group(1)
    assert re.search(r'id="err-patient-id"[^>]*hx-swap-oob="true"></span>', html)


def test_rows_are_added_and_removed(client: TestClient) -> None:
    pairs = _example(client, "thyroid-autoimmunity.yaml")
    added = _post(client, "/form?add=pregnancies", pairs)
    assert "pregnancies[3]._row" in added
    removed = _post(client, "/form?remove=labs[0]", pairs)
    assert removed.count('name="labs[') < added.count('name="labs[')
    nested = _post(client, "/form?add=cycles[0].embryos", _example(client, "rif-only.yaml"))
    assert re.search(r"cycles\[0\]\.embryos\[\d+\]\._row", nested)


def test_upload_and_refusals(client: TestClient) -> None:
    data = (EXAMPLES / "rpl-only.yaml").read_bytes()
    ok = client.post("/load", files={"file": ("case.yaml", data, "application/yaml")})
    assert ok.status_code == 200 and "EX-" in ok.text
    wrong = client.post("/load", files={"file": ("case.txt", b"x", "text/plain")})
    assert wrong.status_code == 422
    refused = client.post("/report", content=urlencode([("patient.id", "")]), headers=FORM)
    assert refused.status_code == 422 and "patient.id" in refused.text


def test_reports_from_the_form(client: TestClient) -> None:
    pairs = _example(client, "rpl-only.yaml")
    pdf = client.post(
        "/report?audience=clinician&format=pdf", content=urlencode(pairs), headers=FORM
    )
    assert pdf.content.startswith(b"%PDF")
    es = client.post(
        "/report?audience=patient&format=html&lang=es", content=urlencode(pairs), headers=FORM
    )
    assert es.status_code == 200 and 'lang="es"' in es.text

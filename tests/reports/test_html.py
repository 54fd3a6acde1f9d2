"""Both reports, for every example and language, are well-formed, self-contained XHTML whose
footnotes all resolve to an entry of the source list."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from nidation.engine.result import DISCLAIMER
from tests.reports.conftest import EXAMPLE_FILES, Assessed, Render

XHTML = "{http://www.w3.org/1999/xhtml}"
CASES = [(name, lang) for name in EXAMPLE_FILES for lang in ("en", "es")]


def _parse(html: str) -> ET.Element:
    return ET.fromstring(html.split("\n", 1)[1])  # drop <!DOCTYPE html>


def _links(root: ET.Element) -> list[str]:
    return [a.get("href", "") for a in root.iter(f"{XHTML}a")]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_clinician_html_is_well_formed_and_every_footnote_resolves(
    name: str, lang: str, assessed: Assessed, render: Render
) -> None:
    html = render(name, "clinician", "html", lang)
    assert html.startswith("<!DOCTYPE html>")
    root = _parse(html)
    assert root.get("lang") == lang
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    links = _links(root)
    footnotes = [h for h in links if h.startswith("#src-")]
    assert footnotes, "every report cites sources"
    assert all(h[1:] in ids for h in links if h.startswith("#")), "a link points nowhere"
    _case, assessment = assessed[name]
    cited = {int(h.removeprefix("#src-")) for h in footnotes}
    listed = {int(i.removeprefix("src-")) for i in ids if i.startswith("src-")}
    assert max(cited) <= max(listed)
    keys = {s.key for o in assessment.trace for s in o.sources}
    assert len(listed) == len(keys), "one numbered entry per distinct source"
    for section in (
        "timeline",
        "definitions",
        "implantation-chance",
        "causes",
        "investigations",
        "treatment",
        "prognosis",
        "provisional",
        "sources",
    ):
        assert section in ids, section


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_patient_html_is_well_formed_and_kind_about_the_unknown(
    name: str, lang: str, assessed: Assessed, render: Render
) -> None:
    html = render(name, "patient", "html", lang)
    root = _parse(html)
    text = "".join(root.itertext())
    _case, assessment = assessed[name]
    unknown_note = {
        "en": "It does not mean normal.",
        "es": "No significa normal.",
    }[lang]
    if any(o.status == "not_assessed" for o in assessment.causes):
        assert unknown_note in text
    assert ("counsellor" if lang == "en" else "apoyo psicológico") in text
    support = next(e for e in root.iter() if e.get("id") == "support")
    said = "".join(support.itertext())
    assert not re.search(r"\d|www|http|@", said), "no invented phone number, address or URL"


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_reports_fetch_nothing_from_outside(audience: str, render: Render) -> None:
    html = render("rpl-and-rif.yaml", audience, "html", "en")
    root = _parse(html)
    for element in root.iter():
        for attr in ("src", "href"):
            value = element.get(attr) or element.get(f"{{http://www.w3.org/1999/xlink}}{attr}")
            assert value is None or value.startswith("#"), value
    assert "url(" not in html.replace("url(#", "")
    assert "@import" not in html and "<link" not in html


def test_clinician_report_shows_the_disclaimer_and_versions(
    assessed: Assessed, render: Render
) -> None:
    _case, assessment = assessed["rif-only.yaml"]
    html = render("rif-only.yaml", "clinician", "html", "en")
    assert html.count(DISCLAIMER) == 2  # top and bottom
    assert assessment.knowledge_version in html
    assert f"Nidation {assessment.nidation_version}" in html
    assert "none (bundled tables)" in html

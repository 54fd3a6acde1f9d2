"""PDFs (A4) for a few examples: pages rasterise with pdftoppm and hold every section's text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nidation.reports import render_report
from tests.reports.conftest import Assessed

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")), reason="needs poppler-utils"
)

SECTIONS = {
    ("clinician", "en"): [
        "Clinician report",
        "History: pregnancies and transfers",
        "Definitions met, with the numbers behind them",
        "Cumulative predicted chance of implantation",
        "Causes",
        "Investigation plan",
        "Treatment protocol",
        "Prognosis",
        "Provisional items",
        "Sources",
        "Publications",
    ],
    ("patient", "es"): [
        "Resumen de sus resultados",
        "Qué significan los resultados",
        "Qué no se sabe todavía",
        "Preguntas que quizá quiera hacer a su clínica",
        "Apoyo para usted",
    ],
    ("patient", "en"): ["Your results summary", "What is still unknown", "Support for you"],
}
CASES = [
    ("rpl-and-rif.yaml", "clinician", "en"),
    ("secondary-rpl-after-live-birth.yaml", "patient", "es"),
    ("rif-only.yaml", "patient", "en"),
]


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize(("name", "audience", "lang"), CASES)
def test_pdf_pages_rasterise_and_hold_every_section(
    name: str, audience: str, lang: str, assessed: Assessed, tmp_path: Path
) -> None:
    case, assessment = assessed[name]
    pdf = render_report(assessment, case, audience=audience, fmt="pdf", lang=lang)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = _run("pdfinfo", str(path))
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    _run("pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "page"))
    assert len(list(tmp_path.glob("page-*.png"))) == pages
    text = " ".join(_run("pdftotext", str(path), "-").split())
    for section in SECTIONS[(audience, lang)]:
        assert section in text, section
    assert assessment.patient_id in text
    assert re.search(rf"\b{pages} ?/ ?{pages}\b", text), "page numbers in the footer"

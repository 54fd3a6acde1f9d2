"""The audit report renders from a cohort run, self-contained, with its sections."""

from __future__ import annotations

from pathlib import Path

from nidation.cohort.audit import audit_data, write_audit
from nidation.cohort.run import CohortRun
from tests.cohort.conftest import PATIENTS


def test_audit_counts_come_from_the_results(cohort_run: CohortRun) -> None:
    data = audit_data(cohort_run.directory)
    assert data["patients"] == PATIENTS
    overall = {r["rule_id"]: r for r in data["overall"]}
    assert {"RPL-DEF-001", "RIF-DEF-001"} <= set(overall)
    assert all(r["patients"] == PATIENTS for r in overall.values())
    assert sum(r["patients"] for r in data["by_band"] if r["rule_id"] == "RPL-DEF-001") == PATIENTS
    assert all(
        r["done"] + r["due"] + r["repeat_due"] + r["other"] == r["listed"] for r in data["workup"]
    )


def test_audit_report_is_one_html_file_with_charts(cohort_run: CohortRun, tmp_path: Path) -> None:
    html = write_audit(cohort_run.directory, tmp_path / "audit.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") >= 2
    for section in ("Prevalence of RPL and RIF", "Work-up completeness", "Therapies", "Repeats"):
        assert section in html
    for fetch in ('src="http', "src='http", 'href="http', "@import", "<script"):
        assert fetch not in html  # nothing is fetched when the file is opened

"""What the reports say comes from the Assessment: statuses shown as such, unknown as unknown,
every group (including therapy outcomes and statuses this code has never seen) rendered."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from nidation.engine.result import RuleOutcome, SourceRef
from nidation.engine.status import Kind
from nidation.reports import render_report
from nidation.reports.clinician import build_clinician_report
from nidation.reports.patient import build_patient_summary
from tests.reports.conftest import Assessed, Render

XHTML = "{http://www.w3.org/1999/xhtml}"
REF = SourceRef(kind="recommendation", key="test/ref", source="test", locator="§1", verified=False)


def _therapy(item: str, status: str) -> RuleOutcome:
    return RuleOutcome(
        rule_id="TX-TEST-999",
        name="test-therapy",
        kind=Kind.THERAPY,
        item=item,
        status=status,
        because=f"{item}: because-{status}",
        next_step=f"next-{status}",
        evidence={"timing": "from a positive test", "dose_mg": 75.0},
        sources=(REF,),
        provisional=True,
    )


def _rows(html: str, css_class: str) -> list[ET.Element]:
    root = ET.fromstring(html.split("\n", 1)[1])
    return [tr for tr in root.iter(f"{XHTML}tr") if tr.get("class") == css_class]


def test_every_therapy_outcome_is_shown_with_its_status_even_an_unknown_one(
    assessed: Assessed,
) -> None:
    case, assessment = assessed["rpl-only.yaml"]
    extra = (_therapy("aspirin", "advised_against"), _therapy("heparin", "paused_for_review"))
    changed = assessment.model_copy(update={"therapies": (*assessment.therapies, *extra)})
    html = render_report(changed, case, audience="clinician", fmt="html", lang="en").decode()
    against = [
        r for r in _rows(html, "status-advised_against") if "aspirin" in "".join(r.itertext())
    ]
    assert against, "an advised-against therapy has its row"
    text = "".join(against[0].itertext())
    assert "advised against" in text and "because-advised_against" in text
    assert "next-advised_against" in text and "dose_mg = 75" in text and "provisional" in text
    assert 'class="badge tone-warn">advised against<' in html
    unknown = _rows(html, "status-paused_for_review")
    assert unknown and "paused for review" in "".join(unknown[0].itertext())
    summary = build_patient_summary(changed, case)
    headings = dict(summary.treatments)
    assert "Aspirin" in headings["Not recommended: guidelines advise against these"]
    assert "Paused for review" in headings


def test_not_assessed_causes_are_listed_as_unknown_never_as_ruled_out(assessed: Assessed) -> None:
    case, assessment = assessed["rpl-only.yaml"]
    report = build_clinician_report(assessment, case)
    groups = {g.key: {s.rule_id for s in g.statements} for g in report.causes}
    unassessed = {o.rule_id for o in assessment.causes if o.status == "not_assessed"}
    assert unassessed and groups["causes-not_assessed"] == unassessed
    assert not unassessed & groups.get("causes-ruled_out", set())
    summary = build_patient_summary(assessment, case)
    assert len(summary.unknown) == len(
        {o.name for o in assessment.causes if o.status == "not_assessed"}
    )
    assert not set(summary.unknown) & set(summary.ruled_out)


def test_rif_chart_and_table_carry_the_rules_own_numbers(
    assessed: Assessed, render: Render
) -> None:
    case, assessment = assessed["rpl-and-rif.yaml"]
    rif = assessment.outcome("RIF-DEF-001")
    report = build_clinician_report(assessment, case)
    assert report.threshold == rif.evidence["threshold"]
    counted = [c for c in report.chances if c.counted]
    assert len(counted) == rif.evidence["embryos"]
    assert counted[-1].cumulative == rif.evidence["cumulative_chance"]
    html = render("rpl-and-rif.yaml", "clinician", "html", "en")
    assert html.count("<svg") == 2  # the timeline and the cumulative chance
    assert f"{rif.evidence['cumulative_chance']:.0%}" in html


def test_timeline_lists_every_pregnancy_and_transfer_in_date_order(assessed: Assessed) -> None:
    case, assessment = assessed["rpl-and-rif.yaml"]
    events = build_clinician_report(assessment, case).timeline
    assert {e.id for e in events} == {p.id for p in case.pregnancies} | {
        t.id for t in case.transfers
    }
    dates = [e.when for e in events if e.when]
    assert dates == sorted(dates)
    miscarriage = next(e for e in events if e.id == "EX-BOTH-01-P1")
    assert miscarriage.gestation == "7w3d" and "ESHRE" in miscarriage.counts


def test_report_without_transfers_says_so_instead_of_a_chart(render: Render) -> None:
    html = render("rpl-only.yaml", "clinician", "html", "en")
    assert html.count("<svg") == 1
    assert "No embryo transfer is recorded" in html


def test_overlay_in_use_is_named_in_the_header(assessed: Assessed) -> None:
    case, assessment = assessed["rif-only.yaml"]
    changed = assessment.model_copy(update={"overlay": "example-clinic 2026-01"})
    html = render_report(changed, case, audience="clinician", fmt="html", lang="en").decode()
    assert "Clinic overlay: <strong>example-clinic 2026-01</strong>" in html

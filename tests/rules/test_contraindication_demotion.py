"""Conformance: every therapy with an absolute contraindication that hits is demoted everywhere.

For each therapy of the catalogue, one case per absolute contraindication the record can carry
(a condition — recorded as *resolved* when its history counts —, an allergy, an ongoing
pregnancy, a laboratory value beyond the limit) requests the therapy. Then the therapy is
``contraindicated`` in the requested-therapy check (TX-REQ-001) and in the plan (TX-PLAN-001)
wherever the plan lists it, never recommended or considered in the Assessment JSON, shown under
the contraindicated heading of the clinician report and the patient summary, and TX-SAFE-001
names the alternative its sources give (or says none is listed).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from nidation.api import default_assessor
from nidation.domain import Case
from nidation.engine.result import Assessment
from nidation.knowledge import Knowledge, load_knowledge
from nidation.reports.html import clinician_html, patient_html
from nidation.reports.labels import PATIENT_STATUS
from nidation.reports.patient import build_patient_summary

FAVOURABLE = ("recommended", "consider")
APS = {
    "pregnancies": [
        {
            "id": "P1",
            "outcome": "miscarriage",
            "gestational_age_weeks": 9,
            "end_date": "2023-04-11",
        },
        {
            "id": "P2",
            "outcome": "miscarriage",
            "gestational_age_weeks": 7,
            "end_date": "2024-02-05",
        },
        {"id": "P3", "outcome": "biochemical_loss", "end_date": "2024-08-19"},
    ],
    "labs": [
        {"test": "lupus_anticoagulant", "qualitative": "positive", "date": "2026-01-10"},
        {"test": "lupus_anticoagulant", "qualitative": "positive", "date": "2026-04-10"},
    ],
}


def _hit(kb: Knowledge, row: dict[str, Any]) -> dict[str, Any] | None:
    """Case fields that make the contraindication ``row`` of ``therapy_checks`` hit."""
    history = {r["condition"]: r["history_counts"] for r in kb.tables["condition_history"].rows}
    key = row["key"]
    match row["check"]:
        case "condition":
            status = "resolved" if history[key] else "active"
            return {"conditions": [{"code": key, "status": status}]}
        case "allergy":
            return {"allergies": [{"code": key}]}
        case "pregnancy":
            ongoing = {"id": "NOW", "outcome": "ongoing", "gestational_age_weeks": 6}
            return {"pregnancies": [{**ongoing, "end_date": "2026-09-25"}]}
        case "lab":
            limit = row["value"] if row["value"] is not None else kb.value(row["threshold"])
            value = limit - 1 if row["operator"] in ("<", "<=") else limit + 1
            test = kb.labs.tests[key]
            lab = {"test": key, "value": value, "unit": test.canonical_unit, "date": "2026-09-01"}
            return {"labs": [lab]}
    return None


@cache
def _cases() -> tuple[tuple[str, str, Case], ...]:
    """(therapy, what hits, case) for every absolute contraindication a record can carry."""
    kb = load_knowledge()
    out = []
    for i, row in enumerate(kb.tables["therapy_checks"].rows):
        if row["severity"] != "absolute":
            continue
        fields = _hit(kb, row)
        if fields is None:
            continue
        doc = {
            "as_of": "2026-10-01",
            "patient": {"id": f"C{i}", "age_years": 34},
            "requested_therapies": [{"therapy": row["therapy"]}],
            **fields,
        }
        out.append((str(row["therapy"]), f"{row['check']}:{row['key']}", Case.model_validate(doc)))
    # LMWH and aspirin drafted by the plan itself (APS, three losses), HIT recorded as resolved.
    aps = {**APS, "conditions": [{"code": "hit_history", "status": "resolved"}]}
    doc = {"as_of": "2026-10-01", "patient": {"id": "APS-HIT", "age_years": 34}, **aps}
    out.append(("lmwh", "plan:hit_history", Case.model_validate(doc)))
    return tuple(out)


@cache
def _assessed() -> dict[str, Assessment]:
    cases = [c for _, _, c in _cases()]
    return {a.patient_id: a for a in default_assessor().assess_many(cases)}


def _params() -> list[Any]:
    return [pytest.param(t, c, id=f"{t}-{what}") for t, what, c in _cases()]


def test_every_therapy_with_an_absolute_contraindication_has_a_case() -> None:
    kb = load_knowledge()
    absolute = {
        r["therapy"] for r in kb.tables["therapy_checks"].rows if r["severity"] == "absolute"
    }
    assert absolute <= {t for t, _, _ in _cases()}


@pytest.mark.parametrize(("therapy", "case"), _params())
def test_absolute_contraindication_demotes_the_therapy_in_every_output(
    therapy: str, case: Case
) -> None:
    a = _assessed()[case.patient.id]
    kb = load_knowledge()
    display = next(
        r["display"] for r in kb.tables["therapy_details"].rows if r["therapy"] == therapy
    )

    safety = [o for o in a.outcomes("TX-SAFE-001") if o.item == therapy]
    assert [o.status for o in safety] == ["flagged"]
    assert safety[0].evidence["contraindicated"] in (True, 1)
    assert (safety[0].next_step or "").startswith(f"Do not give {display}. Instead: ")

    plan = [o for o in a.outcomes("TX-PLAN-001") if o.item == therapy]
    requested = [o for o in a.outcomes("TX-REQ-001") if o.item == therapy]
    assert all(o.status == "contraindicated" for o in plan), [o.because for o in plan]
    if case.requested_therapies:
        assert [o.status for o in requested] == ["contraindicated"]
    else:
        assert [o.status for o in plan] == ["contraindicated"]
    for o in (*plan, *requested):
        assert o.evidence["alternative_shown"], o
        assert "Instead: " in (o.next_step or "")

    # The Assessment as JSON: no therapy row for it is favourable.
    rows = json.loads(a.model_dump_json())["therapies"]
    assert not [r for r in rows if r["item"] == therapy and r["status"] in FAVOURABLE]

    # Clinician report: every therapy row naming it is in the contraindicated group.
    html = clinician_html(a, case, knowledge=kb)
    therapy_rows = [
        status
        for status, body in re.findall(r'<tr class="status-(\w+)">(.*?)</tr>', html, re.S)
        if f"<strong>{display}</strong>" in body and re.search(r"TX-(PLAN|REQ)-001", body)
    ]
    assert therapy_rows and set(therapy_rows) == {"contraindicated"}, therapy_rows

    # Patient summary: listed under the contraindicated heading, under no favourable one.
    summary = build_patient_summary(a, case)
    headings = dict(summary.treatments)
    assert display in headings.get(PATIENT_STATUS["contraindicated"], ())
    for status in FAVOURABLE:
        assert display not in headings.get(PATIENT_STATUS[status], ())
    assert PATIENT_STATUS["contraindicated"].split(":")[0] in patient_html(a, case)

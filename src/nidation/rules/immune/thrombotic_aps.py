"""Thrombotic antiphospholipid syndrome: a previous thrombosis changes the regimen
(APS-THROMB-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge
from nidation.rules.immune.aps_classification import THROMBOSIS_CONDITIONS, attach

FLAGGED, NOT_FLAGGED = "flagged", "not_flagged"
APS_CONDITIONS = ("aps",)


def _displays(kb: Knowledge) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in kb.valuesets["conditions"].entries:
        if entry.key in THROMBOSIS_CONDITIONS:
            names.setdefault(entry.key, entry.display)
    return dict(sorted(names.items()))


@rule(
    id="APS-THROMB-001",
    name="thrombotic-aps-needs-therapeutic-anticoagulation",
    kind="surveillance",
    implements=[
        "eular-aps-2019/thrombotic-aps-therapeutic-heparin",
        "rcog-gtg37a-2015/aps-previous-thrombosis",
    ],
    because={
        FLAGGED: "Thrombotic antiphospholipid syndrome ({aps_basis}; previous {thrombosis}): "
        "in pregnancy she needs therapeutic-dose low-molecular-weight heparin with low-dose "
        "aspirin, and anticoagulation after birth — not the prophylactic obstetric-APS regimen",
        NOT_FLAGGED: "{detail}",
        NOT_ASSESSED: "{detail}",
    },
    next_step={
        FLAGGED: "Plan therapeutic-dose heparin with a haematologist before she conceives; the "
        "prophylactic doses listed for obstetric APS do not apply to her",
        NOT_ASSESSED: "{next_line}",
    },
)
def thrombotic_aps(facts: Facts, kb: Knowledge) -> ir.Table:
    """Antiphospholipid syndrome with a previous arterial or venous thrombosis.

    ## What it decides
    Flagged when she has antiphospholipid syndrome — the Sydney 2006 laboratory criterion is
    met (APS-LAB-001) or APS is recorded as a condition — and a previous venous
    thromboembolism or arterial thrombosis is recorded (any status: a resolved thrombosis is
    history that counts). Not flagged when no thrombosis is recorded in a record that lists her
    conditions, or when the antibodies were ruled out and no APS is recorded.

    ## Why it matters
    Thrombotic APS is not obstetric APS: after a thrombosis she needs therapeutic-dose heparin
    with low-dose aspirin in pregnancy and anticoagulation after birth (EULAR 2019; RCOG GTG
    37a), whereas the treatment protocol (TX-PLAN-001) lists the prophylactic doses of the
    obstetric-APS trials.

    ## Not assessed when
    Her conditions are not recorded (a previous thrombosis cannot be excluded), or a thrombosis
    is recorded while the laboratory criterion is not settled and no APS is recorded.

    ## Example
    Left femoral DVT in 2024 (resolved), aCL IgG 86 and 92 GPL 105 days apart: flagged.
    Three early losses with persistent LA and no thrombosis among her recorded conditions:
    not flagged (the obstetric regimen applies).
    """
    c = facts.conditions
    listed = c.group_by("patient_id").aggregate(n_conditions=c.count())
    t = c.filter(c.code.isin(THROMBOSIS_CONDITIONS))
    shown = t.code.substitute(_displays(kb), else_=t.code)
    onset = ibis.coalesce(" (" + t.onset_date.cast("string") + ")", "")
    thrombosis = t.group_by("patient_id").aggregate(
        thrombosis=(shown.lower().re_replace("^personal history of ", "") + onset)
        .collect(distinct=True)
        .sort()
        .join("; ")
    )
    a = c.filter(c.code.isin(APS_CONDITIONS))
    aps = a.group_by("patient_id").aggregate(aps_recorded=count_if(a.code.notnull()) > 0)
    lab = facts.derived("cause_aps_lab").select(
        "patient_id", lab_status="status", antibodies="antibodies"
    )
    j = attach(facts.patients.select("patient_id"), lab, listed, thrombosis, aps)
    has_thrombosis = j.thrombosis.notnull()
    aps_recorded = j.aps_recorded.fill_null(False)
    lab_supported = j.lab_status == SUPPORTED
    has_aps = lab_supported | aps_recorded
    conditions_known = j.n_conditions.fill_null(0) > 0
    status = ibis.cases(
        (has_thrombosis & has_aps, FLAGGED),
        (has_thrombosis & (j.lab_status == RULED_OUT), NOT_FLAGGED),
        (has_thrombosis, NOT_ASSESSED),
        (conditions_known, NOT_FLAGGED),
        else_=NOT_ASSESSED,
    )
    basis = ibis.cases(
        (lab_supported, "persistent " + j.antibodies.fill_null("antiphospholipid antibodies")),
        else_="APS recorded as a condition",
    )
    detail = ibis.cases(
        (
            has_thrombosis & (j.lab_status == RULED_OUT),
            "Previous " + j.thrombosis.fill_null("") + ", but antiphospholipid antibodies "
            "negative and no APS recorded: not thrombotic APS",
        ),
        (
            has_thrombosis,
            "Previous " + j.thrombosis.fill_null("") + " with the antiphospholipid laboratory "
            "criterion not settled (APS-LAB-001): thrombotic APS is possible",
        ),
        (
            conditions_known,
            "No previous thrombosis among her recorded conditions: if APS is confirmed, the "
            "obstetric-APS regimen applies",
        ),
        else_="Her conditions are not recorded: a previous thrombosis (thrombotic APS) cannot "
        "be excluded",
    )
    next_line = ibis.ifelse(
        has_thrombosis,
        "Settle the antiphospholipid tests (APS-LAB-001) before she conceives",
        "Record her past conditions, a previous thrombosis included",
    )
    return j.select(
        "patient_id",
        status=status,
        thrombosis=j.thrombosis,
        aps_basis=ibis.ifelse(has_aps, basis, ibis.null("string")),
        lab_status=j.lab_status,
        aps_recorded=aps_recorded,
        detail=detail,
        next_line=next_line,
    )

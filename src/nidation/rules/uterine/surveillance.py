"""Pregnancy surveillance after a congenital uterine anomaly (reads ``cause_uterine_anomaly``)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge

FLAGGED = "flagged"
NOT_FLAGGED = "not_flagged"


@rule(
    id="SURV-UTE-001",
    name="uterine-anomaly-pregnancy-risk",
    kind="surveillance",
    implements=[
        "chan-2011-uog/unification-defects-preterm-birth",
        "chan-2011-uog/canalisation-defects-outcomes",
        "sheffield-rm-anomalies/second-trimester-loss",
    ],
    uses=["table:uterine_anomaly_classes"],
    because={
        FLAGGED: "Raised pregnancy risk with a {surveillance_note}",
        NOT_FLAGGED: "{reason}",
        NOT_ASSESSED: "{reason}",
    },
    next_step={
        FLAGGED: "Tell the obstetric team: plan surveillance for preterm birth and "
        "second-trimester loss in the next pregnancy"
    },
)
def uterine_anomaly_pregnancy_risk(facts: Facts, kb: Knowledge) -> ir.Table:
    """Pregnancy surveillance after a congenital uterine anomaly.

    ## What it decides
    Whether a supported congenital anomaly (UTE-CAUSE-001) belongs to a class whose row in
    ``uterine_anomaly_classes`` is marked for surveillance — septate U2 (canalisation defect)
    and the unification defects U3 (bicorporeal) and U4 (hemi-uterus) — and reports that
    class's figures as evidence.

    ## Why it matters
    Unification defects raise preterm birth (RR 2.97); canalisation defects raise preterm
    birth (RR 2.14) and miscarriage; in a recurrent-miscarriage clinic second-trimester
    miscarriage was 13.2% (septate) and 13.8% (bicornuate) against 1.0% (Chan 2011; Sheffield).

    ## Not assessed when
    The anomaly itself is not assessed, or an anomaly was found without a class.

    ## Example
    U3b (complete bicorporeal uterus) on MRI: flagged, preterm birth RR 2.97. Normal uterus on
    3D ultrasound: not flagged.
    """
    c = facts.derived("cause_uterine_anomaly")
    classes = facts.kb_table("uterine_anomaly_classes")
    j = c.left_join(classes, c.eshre_esge_class.substr(0, 2) == classes.eshre_esge_class).select(
        c.patient_id,
        c.eshre_esge_class,
        c.anomaly_group,
        cause_status=c.status,
        _surveillance=classes.surveillance,
        first_trimester_miscarriage_rr=classes.first_trimester_miscarriage_rr,
        preterm_birth_rr=classes.preterm_birth_rr,
        second_trimester_loss_pct=classes.second_trimester_loss_pct,
        second_trimester_loss_comparison_pct=classes.second_trimester_loss_comparison_pct,
        surveillance_note=classes.surveillance_note,
    )
    supported = j.cause_status == SUPPORTED
    status = ibis.cases(
        (supported & j._surveillance.fill_null(False), FLAGGED),
        (supported & ~j._surveillance.fill_null(True), NOT_FLAGGED),
        (j.cause_status == RULED_OUT, NOT_FLAGGED),
        else_=NOT_ASSESSED,
    )
    reason = ibis.cases(
        (
            supported & ~j._surveillance.fill_null(True),
            ibis.literal("No raised preterm-birth or late-loss figures for ")
            + j.eshre_esge_class
            + " in the knowledge base",
        ),
        (j.cause_status == RULED_OUT, "No congenital uterine anomaly (ruled out)"),
        (supported, "Uterine anomaly found but not classified (ESHRE/ESGE class missing)"),
        else_="Congenital uterine anomaly not assessed",
    )
    return j.select(
        "patient_id",
        "eshre_esge_class",
        "anomaly_group",
        "cause_status",
        "first_trimester_miscarriage_rr",
        "preterm_birth_rr",
        "second_trimester_loss_pct",
        "second_trimester_loss_comparison_pct",
        "surveillance_note",
        reason=reason,
        status=status,
    )

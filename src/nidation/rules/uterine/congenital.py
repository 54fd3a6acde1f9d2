"""Congenital uterine anomalies, classified by ESHRE/ESGE 2013."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.uterine.exams import (
    deciding_row,
    findings_of,
    for_everyone,
    method_label,
    with_adequacy,
)


def cause_uterine_anomaly(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): whether a congenital uterine anomaly is ``supported``,
    ``ruled_out`` or ``not_assessed``, with the deciding examination as evidence.

    A finding read as an anomaly (``present`` true with a class that counts in
    ``uterine_anomaly_classes``, or with no class) supports it whatever the method. A normal
    reading (``present`` false, class U0 or none) rules it out only when the method is adequate
    (``uterine_exam_methods``: 3D ultrasound, sonohysterography, MRI, or hysteroscopy with
    laparoscopy on the same day); a normal 2D ultrasound or HSG alone leaves it not assessed.
    A reading whose class contradicts ``present`` decides nothing. The latest examination that
    can decide does; a later one that cannot (a 2D scan after a 3D one) does not overrule it."""
    classes = facts.kb_table("uterine_anomaly_classes")
    exams = with_adequacy(facts, findings_of(facts, "uterine_anomaly"))
    main_class = exams.eshre_esge_class.substr(0, 2)
    t = exams.mutate(_main=main_class)
    t = t.left_join(classes, t._main == classes.eshre_esge_class).select(
        t,
        anomaly_name=classes.name,
        anomaly_group=classes.anomaly_group,
        _counts=classes.counts_as_anomaly,
    )
    no_class = t.eshre_esge_class.isnull()
    anomaly = t.present & (no_class | t._counts.fill_null(False))
    normal = ~t.present & (no_class | ~t._counts.fill_null(True))
    verdict = ibis.cases(
        (anomaly.fill_null(False), SUPPORTED),
        ((normal & t.adequate).fill_null(False), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    reason = ibis.cases(
        (anomaly.fill_null(False), "anomaly found"),
        ((normal & t.adequate).fill_null(False), "normal uterus on an adequate examination"),
        (
            normal.fill_null(False),
            ibis.literal("a normal result by ")
            + method_label(t.method)
            + " alone cannot rule out a congenital anomaly",
        ),
        else_="the recorded class contradicts the reading (present/absent)",
    )
    rows = t.select(
        "patient_id",
        "seq",
        "date",
        "eshre_esge_class",
        "cervix_class",
        "vagina_class",
        "method",
        "anomaly_name",
        "anomaly_group",
        adequate_examination=t.adequate,
        assessment=reason,
        examined_with=ibis.ifelse(
            t.partner_method.notnull(),
            method_label(t.method) + " with " + method_label(t.partner_method),
            method_label(t.method),
        ),
        anomaly_description=ibis.ifelse(
            no_class,
            "anomaly without an ESHRE/ESGE class",
            t.anomaly_name.fill_null("unknown class")
            + " ("
            + t.eshre_esge_class
            + ", "
            + t.anomaly_group.fill_null("class not in the knowledge table")
            + ")",
        ),
        uterine_class=t.eshre_esge_class.fill_null("no class recorded"),
        verdict=verdict,
    )
    decided = deciding_row(rows, decisive_first=True)
    decided = decided.select(
        "patient_id",
        "eshre_esge_class",
        "cervix_class",
        "vagina_class",
        "anomaly_name",
        "anomaly_group",
        "method",
        "adequate_examination",
        "assessment",
        "examined_with",
        "anomaly_description",
        "uterine_class",
        exam_date=decided.date,
        status=decided.verdict,
    )
    out = for_everyone(facts, decided)
    return out.mutate(assessment=out.assessment.fill_null("no uterine examination recorded"))


@rule(
    id="UTE-CAUSE-001",
    name="congenital-uterine-anomaly",
    kind="cause",
    implements=[
        "grimbizis-2013/classification",
        "eshre-rpl-2022/uterine-anatomy-3d-ultrasound",
        "rcog-gtg17-2023/3d-ultrasound",
        "asrm-septum-2024/3d-tvus-first-line",
        "grimbizis-2016-thessaloniki/diagnostic-work-up",
        "eshre-rpl-2017/sonohysterography-mri",
        "chan-2011-uog/canalisation-defects-outcomes",
    ],
    uses=["table:uterine_anomaly_classes", "table:uterine_exam_methods"],
    because={
        SUPPORTED: "Congenital uterine anomaly: {anomaly_description} on {examined_with} on "
        "{exam_date}",
        RULED_OUT: "Normal uterus ({uterine_class}) on {examined_with} on {exam_date}, an "
        "examination adequate to rule out a congenital anomaly",
        NOT_ASSESSED: "Congenital uterine anomaly not assessed: {assessment}",
    },
    next_step={
        SUPPORTED: "Counsel on the anomaly's effect on pregnancy (see SURV-UTE-001); for a "
        "septum, present both stances on resection (ASRM 2024 supports it in RPL; ESHRE does "
        "not, TRUST showed no benefit)",
        NOT_ASSESSED: "3D transvaginal ultrasound of the uterus (ESHRE, RCOG, ASRM)",
    },
)
def congenital_uterine_anomaly(facts: Facts, kb: Knowledge) -> ir.Table:
    """A congenital uterine anomaly, classified by ESHRE/ESGE 2013.

    ## What it decides
    Whether the examinations recorded show a congenital uterine anomaly: supported by a finding
    of class U1 (dysmorphic), U2 (septate), U3 (bicorporeal), U4 (hemi-uterus), U5 (aplastic)
    or U6 (unclassified) — the classes ``uterine_anomaly_classes`` counts — by any method;
    ruled out by a normal uterus (U0) only on an examination adequate for the question
    (``uterine_exam_methods``: 3D ultrasound, sonohysterography, MRI, or hysteroscopy with
    laparoscopy the same day). The latest examination that can decide does. Decided in the
    derivation ``cause_uterine_anomaly``, which the investigation plan reads for
    "unexplained".

    ## Why it matters
    Septate uteri raise first-trimester miscarriage (RR 2.89) and unification defects raise
    preterm birth (RR 2.97) (Chan 2011); ESHRE, RCOG and ASRM ask for 3D imaging in RPL.

    ## Not assessed when
    No uterine examination is recorded; the only normal results come from 2D ultrasound or HSG
    (Nidation's choice: these cannot show the fundal contour that separates U0 from U1–U3, so
    the question stays open rather than "weakly ruled out"); or the class contradicts the
    reading.

    ## Example
    A 3D ultrasound reading U2a (partial septum): supported. A 2D ultrasound reading a normal
    uterus and nothing else: not assessed.
    """
    return facts.derived("cause_uterine_anomaly")


DERIVATIONS = {"cause_uterine_anomaly": Derivation(cause_uterine_anomaly)}

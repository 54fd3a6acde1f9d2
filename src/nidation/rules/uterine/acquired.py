"""Acquired uterine and pelvic findings: polyps, cavity-distorting fibroids, intrauterine
adhesions, adenomyosis and endometriosis. The latest examination decides."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

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


def _present_or_absent(facts: Facts, kind: str, *evidence: str) -> ir.Table:
    """Every patient: supported when the latest examination for ``kind`` found it, ruled out
    when it looked and did not; ``evidence`` columns are taken from that examination."""
    f = findings_of(facts, kind)
    rows = f.mutate(verdict=ibis.ifelse(f.present, SUPPORTED, RULED_OUT))
    d = deciding_row(rows)
    d = d.select("patient_id", "method", *evidence, exam_date=d.date, status=d.verdict)
    return for_everyone(facts, d)


@rule(
    id="UTE-CAUSE-002",
    name="endometrial-polyp",
    kind="cause",
    implements=[
        "jaslow-kutteh-2013/acquired-uterine-findings",
        "eshre-rif-2023/treat-intrauterine-pathology",
        "eshre-rpl-2022/fibroids-polyps-insufficient",
    ],
    because={
        SUPPORTED: "Endometrial polyp ({size_mm} mm) on {examined_by} on {exam_date}",
        RULED_OUT: "No endometrial polyp on {examined_by} on {exam_date}",
        NOT_ASSESSED: "No examination of the uterine cavity for polyps recorded",
    },
    next_step={
        SUPPORTED: "Consider hysteroscopic polypectomy before the next transfer (ESHRE RIF: "
        "treat intrauterine pathology; ESHRE RPL: insufficient evidence that removal prevents "
        "loss)",
    },
)
def endometrial_polyp(facts: Facts, kb: Knowledge) -> ir.Table:
    """An endometrial polyp.

    ## What it decides
    Whether the latest examination of the uterine cavity found a polyp (``kind: polyp``):
    supported when present (its size as evidence), ruled out when looked for and not found.

    ## Why it matters
    Polyps are found in a few percent of women with RPL (larger than 1 cm: 3.7% primary, 2.3%
    secondary; Jaslow & Kutteh 2013); ESHRE RIF advises treating intrauterine pathology,
    while the link is weak for small polyps.

    ## Not assessed when
    No examination for polyps is recorded.

    ## Example
    A 12 mm polyp on sonohysterography: supported.
    """
    return _present_or_absent(facts, "polyp", "size_mm")


@rule(
    id="UTE-CAUSE-003",
    name="cavity-distorting-fibroid",
    kind="cause",
    implements=[
        "munro-2011-figo/leiomyoma-types",
        "jaslow-kutteh-2013/acquired-uterine-findings",
        "eshre-rif-2023/treat-intrauterine-pathology",
        "eshre-rpl-2022/fibroids-polyps-insufficient",
    ],
    uses=["table:uterine_fibroid_figo"],
    because={
        SUPPORTED: "Cavity-distorting fibroid: FIGO type {figo_type}, {figo_description}, "
        "{size_mm} mm, on {examined_by} on {exam_date}",
        RULED_OUT: "{fibroid_reading} on {examined_by} on {exam_date}: no cavity-distorting "
        "fibroid",
        NOT_ASSESSED: "{fibroid_reading}",
    },
    next_step={
        SUPPORTED: "Consider hysteroscopic myomectomy before the next transfer (ESHRE RIF: treat "
        "intrauterine pathology; ESHRE RPL: insufficient evidence for RPL)",
        NOT_ASSESSED: "Examine the cavity and record the FIGO type of any fibroid found",
    },
)
def cavity_distorting_fibroid(facts: Facts, kb: Knowledge) -> ir.Table:
    """A fibroid that distorts the uterine cavity (submucosal, FIGO types 0–2).

    ## What it decides
    Whether the latest examination found a fibroid whose FIGO type (first number of a hybrid
    such as 2-5) is marked ``distorts_cavity`` in ``uterine_fibroid_figo``: supported; ruled
    out when no fibroid was found or every fibroid found is of a non-distorting type
    (intramural type 3–4, subserosal 5–7, other 8). Several fibroids on the same day: one
    distorting fibroid is enough.

    ## Why it matters
    Submucosal fibroids reduce implantation and are found in 7.8% (primary) and 3.6%
    (secondary) of women with RPL; intramural fibroids that leave the cavity intact are not
    counted as a cause.

    ## Not assessed when
    No examination for fibroids is recorded, or a fibroid was found without a FIGO type and no
    other fibroid of that day distorts the cavity.

    ## Example
    A FIGO 4 intramural fibroid of 30 mm: ruled out. A FIGO 1 fibroid: supported.
    """
    figo = facts.kb_table("uterine_fibroid_figo")
    f = findings_of(facts, "fibroid")
    t = f.mutate(_figo=f.figo_type.substr(0, 1))
    t = t.left_join(figo, t._figo == figo.figo_type).select(
        t, figo_description=figo.description, distorts_cavity=figo.distorts_cavity
    )
    verdict = ibis.cases(
        (~t.present, RULED_OUT),
        (t.distorts_cavity.fill_null(False), SUPPORTED),
        (~t.distorts_cavity.fill_null(True), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    reading = ibis.cases(
        (~t.present, "No fibroid"),
        (
            t.figo_description.notnull(),
            ibis.literal("FIGO type ") + t.figo_type + " fibroid (" + t.figo_description + ")",
        ),
        else_="Fibroid found without a FIGO type: whether it distorts the cavity is unknown",
    )
    rows = t.mutate(verdict=verdict, fibroid_reading=reading)
    d = deciding_row(rows)
    d = d.select(
        "patient_id",
        "method",
        "figo_type",
        "figo_description",
        "distorts_cavity",
        "size_mm",
        "fibroid_reading",
        exam_date=d.date,
        status=d.verdict,
    )
    out = for_everyone(facts, d)
    return out.mutate(
        fibroid_reading=out.fibroid_reading.fill_null("No examination for fibroids recorded")
    )


@rule(
    id="UTE-CAUSE-004",
    name="intrauterine-adhesions",
    kind="cause",
    implements=[
        "jaslow-kutteh-2013/acquired-uterine-findings",
        "eshre-rpl-2022/adhesions-hysteroscopic-removal",
        "eshre-rif-2023/treat-intrauterine-pathology",
    ],
    because={
        SUPPORTED: "Intrauterine adhesions on {examined_by} on {exam_date}",
        RULED_OUT: "No intrauterine adhesions on {examined_by} on {exam_date}",
        NOT_ASSESSED: "No examination of the uterine cavity for adhesions recorded",
    },
    next_step={
        SUPPORTED: "Hysteroscopic adhesiolysis, with measures against recurrence (ESHRE RPL)",
    },
)
def intrauterine_adhesions(facts: Facts, kb: Knowledge) -> ir.Table:
    """Intrauterine adhesions (Asherman syndrome).

    ## What it decides
    Whether the latest examination of the cavity found adhesions (``kind: adhesions``):
    supported when present, ruled out when looked for and not found.

    ## Why it matters
    Adhesions are found in 3.7% (primary) and 4.9% (secondary) of women with RPL; ESHRE RPL
    advises hysteroscopic removal with attention to preventing recurrence.

    ## Not assessed when
    No examination for adhesions is recorded.

    ## Example
    Adhesions at hysteroscopy: supported.
    """
    return _present_or_absent(facts, "adhesions")


@rule(
    id="UTE-CAUSE-005",
    name="adenomyosis",
    kind="cause",
    implements=[
        "eshre-rpl-2022/adenomyosis-assessment",
        "eshre-rif-2023/endometriosis-adenomyosis-assessment",
    ],
    because={
        SUPPORTED: "Adenomyosis on {examined_by} on {exam_date} (association weak to moderate)",
        RULED_OUT: "No adenomyosis on {examined_by} on {exam_date}",
        NOT_ASSESSED: "No examination for adenomyosis recorded",
    },
)
def adenomyosis(facts: Facts, kb: Knowledge) -> ir.Table:
    """Adenomyosis.

    ## What it decides
    Whether the latest examination found adenomyosis (``kind: adenomyosis``, e.g. MUSA
    features on ultrasound or MRI): supported when present, ruled out when looked for and not
    found.

    ## Why it matters
    Adenomyosis was seen in about a quarter of women with RPL on 3D ultrasound and linked to
    more severe RPL; ESHRE added a recommendation on it in 2022 (content unverified), and
    ESHRE RIF lets clinicians consider assessing it.

    ## Not assessed when
    No examination for adenomyosis is recorded.

    ## Example
    MUSA features of adenomyosis on 3D ultrasound: supported.
    """
    return _present_or_absent(facts, "adenomyosis")


@rule(
    id="UTE-CAUSE-006",
    name="endometriosis",
    kind="cause",
    implements=[
        "eshre-rif-2023/endometriosis-adenomyosis-assessment",
        "eshre-endometriosis-2022/negative-imaging-does-not-exclude",
    ],
    uses=["table:uterine_exam_methods"],
    because={
        SUPPORTED: "Endometriosis (rASRM stage {endometriosis_stage}) on {examined_by} on "
        "{exam_date} (association with implantation failure weak)",
        RULED_OUT: "No endometriosis at {examined_by} on {exam_date}",
        NOT_ASSESSED: "{assessment}",
    },
)
def endometriosis(facts: Facts, kb: Knowledge) -> ir.Table:
    """Endometriosis, with its revised ASRM stage.

    ## What it decides
    Whether endometriosis was found (``kind: endometriosis``; its rASRM stage as evidence):
    supported by a positive finding of any method; ruled out only by a method that can exclude
    it (``uterine_exam_methods``: laparoscopy), because a normal ultrasound or MRI does not
    exclude superficial peritoneal disease. The latest examination that can decide does.

    ## Why it matters
    Endometriosis lowers implantation with untested embryos, with little effect after euploid
    transfer (weak, unverified evidence); ESHRE RIF lets clinicians consider assessing it.

    ## Not assessed when
    No examination is recorded, or the only normal results come from imaging.

    ## Example
    Stage II endometriosis at laparoscopy: supported. A normal transvaginal ultrasound only: not
    assessed.
    """
    exams = with_adequacy(facts, findings_of(facts, "endometriosis"))
    verdict = ibis.cases(
        (exams.present, SUPPORTED),
        (exams.adequate, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    rows = exams.mutate(verdict=verdict)
    d = deciding_row(rows, decisive_first=True)
    d = d.select(
        "patient_id",
        "method",
        "endometriosis_stage",
        exam_date=d.date,
        assessment=ibis.literal("A normal result by ")
        + method_label(d.method)
        + " does not exclude endometriosis (laparoscopy can)",
        status=d.verdict,
    )
    out = for_everyone(facts, d)
    return out.mutate(
        assessment=out.assessment.fill_null("No examination for endometriosis recorded")
    )

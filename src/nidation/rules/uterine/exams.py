"""Shared reading of examination findings: which examination decides, and which methods can
rule a finding out. No rules here; the cause modules of this area use these helpers."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED

VERDICT_RANK = {SUPPORTED: 2, NOT_ASSESSED: 1, RULED_OUT: 0}
"""Among examinations on the same day: a positive finding first, then an undecided one (which
must not be hidden by a normal one), then a normal one."""


METHOD_LABELS = {
    "ultrasound_2d": "2D ultrasound",
    "ultrasound_3d": "3D ultrasound",
    "sonohysterography": "sonohysterography",
    "hsg": "HSG",
    "hysteroscopy": "hysteroscopy",
    "laparoscopy": "laparoscopy",
    "mri": "MRI",
    "histology": "histology",
    "sequencing": "sequencing",
    "other": "another method",
}
"""How an examination method is named in sentences (the evidence keeps the recorded key)."""


def method_label(method: ir.StringValue) -> ir.StringValue:
    """The method as words, ``an unrecorded method`` when missing."""
    return method.substitute(METHOD_LABELS, else_=method).fill_null("an unrecorded method")


def number_text(value: ir.NumericValue) -> ir.StringValue:
    """A number as text without a trailing ``.0`` (7.0 → "7", 6.9 → "6.9")."""
    return value.cast("float64").cast("string").re_replace(r"\.0$", "")


def findings_of(facts: Facts, kind: str) -> ir.Table:
    """Every finding of ``kind``."""
    f = facts.findings
    return f.filter(f.kind == kind)


def with_adequacy(facts: Facts, exams: ir.Table) -> ir.Table:
    """``exams`` (findings) plus ``adequate``: whether a normal result by that method rules
    the finding out, from the knowledge table ``uterine_exam_methods``. Kinds the table does not
    list are ruled out by any method; for listed kinds, by a method marked ``rules_out_alone`` or
    by one whose ``rules_out_with`` partner also gave a normal result on the same date."""
    m = facts.kb_table("uterine_exam_methods")
    rows = m.select(
        _m_kind=m.kind,
        _m_method=m.method,
        _alone=m.rules_out_alone,
        _with=m.rules_out_with,
    )
    governed = m.select(_g_kind=m.kind).distinct()
    f = facts.findings
    partners = (
        f.filter(f.present == False)  # noqa: E712 (ibis comparison)
        .select(_p_patient=f.patient_id, _p_kind=f.kind, _p_date=f.date, _p_method=f.method)
        .distinct()
    )
    t = exams.left_join(rows, [exams.kind == rows._m_kind, exams.method == rows._m_method]).select(
        exams, _alone=rows._alone, _with=rows._with
    )
    t = t.left_join(governed, t.kind == governed._g_kind).select(t, _governed=governed._g_kind)
    t = t.left_join(
        partners,
        [
            t.patient_id == partners._p_patient,
            t.kind == partners._p_kind,
            t.date == partners._p_date,
            t._with == partners._p_method,
        ],
    ).select(t, _partner=partners._p_method)
    adequate = ibis.ifelse(
        t._governed.isnull(),
        True,
        t._alone.fill_null(False) | t._partner.notnull(),
    )
    return t.mutate(adequate=adequate, partner_method=t._partner).drop(
        "_alone", "_with", "_governed", "_partner"
    )


def deciding_row(
    rows: ir.Table,
    *,
    verdict: str = "verdict",
    date: str = "date",
    order: tuple[str, ...] = ("seq",),
    decisive_first: bool = False,
) -> ir.Table:
    """One row per patient: the examination that decides.

    The latest dated examination decides (undated ones only when none is dated); on the same
    day a positive finding outranks an undecided one, which outranks a normal one. With
    ``decisive_first`` the latest examination *that can decide* (verdict supported or ruled
    out) wins over later ones that cannot, e.g. a 3D ultrasound over a later 2D scan."""
    keys = []
    if decisive_first:
        keys.append(ibis.desc((rows[verdict] != NOT_ASSESSED).cast("int64")))
    keys += [
        ibis.desc(rows[date].notnull().cast("int64")),
        ibis.desc(rows[date]),
        ibis.desc(rows[verdict].substitute(VERDICT_RANK, else_=0)),
        *(ibis.desc(rows[name]) for name in order),
    ]
    ranked = rows.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=keys))
    return ranked.filter(ranked._n == 0).drop("_n")


def for_everyone(facts: Facts, decided: ir.Table) -> ir.Table:
    """Every patient, with her deciding row (null evidence and ``not_assessed`` without one)."""
    if "method" in decided.columns:
        decided = decided.mutate(examined_by=method_label(decided.method))
    everyone = facts.patients.select("patient_id")
    j = everyone.left_join(decided, "patient_id")
    cols = [c for c in decided.columns if c not in ("patient_id", "status")]
    return j.select(
        everyone.patient_id, *[j[c] for c in cols], status=j.status.fill_null(NOT_ASSESSED)
    )

"""Hydrosalpinx: a fluid-filled blocked tube whose fluid harms implantation."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge
from nidation.rules.uterine.exams import findings_of, method_label

ULTRASOUND_METHODS = ("ultrasound_2d", "ultrasound_3d", "sonohysterography")
"""Methods whose positive result makes the hydrosalpinx ultrasound-visible."""


def cause_hydrosalpinx(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): hydrosalpinx ``supported`` / ``ruled_out`` /
    ``not_assessed`` from the latest examination day (undated findings only when none is
    dated), with ``side`` (left, right or bilateral when both sides were found), whether it was
    ``ultrasound_visible`` and the link's ``strength`` (strong when visible on ultrasound)."""
    f = findings_of(facts, "hydrosalpinx")
    last = f.group_by("patient_id").aggregate(_last=f.date.max())
    j = f.inner_join(last, "patient_id")
    keep = ibis.ifelse(j._last.isnull(), j.date.isnull(), j.date == j._last).fill_null(False)
    day = j.filter(keep)
    present = day.present
    side_of_present = ibis.ifelse(present, day.side, ibis.null("string"))
    agg = day.group_by("patient_id").aggregate(
        found=count_if(present),
        looked=day.count(),
        exam_date=day.date.max(),
        _bilateral=count_if(present & (day.side == "bilateral")),
        _side_min=side_of_present.min(),
        _side_max=side_of_present.max(),
        ultrasound_visible=count_if(present & day.method.isin(ULTRASOUND_METHODS)) > 0,
        method=ibis.ifelse(present, day.method, ibis.null("string")).max(),
        _any_method=day.method.max(),
    )
    side = ibis.cases(
        ((agg._bilateral > 0) | (agg._side_min != agg._side_max), "bilateral"),
        else_=agg._side_min,
    )
    decided = agg.select(
        "patient_id",
        "exam_date",
        side=ibis.ifelse(agg.found > 0, side, ibis.null("string")),
        ultrasound_visible=ibis.ifelse(agg.found > 0, agg.ultrasound_visible, ibis.null("boolean")),
        strength=ibis.cases(
            ((agg.found > 0) & agg.ultrasound_visible, "strong"),
            (agg.found > 0, "moderate (not seen on ultrasound)"),
            else_=ibis.null("string"),
        ),
        method=ibis.coalesce(agg.method, agg._any_method),
        status=ibis.ifelse(agg.found > 0, SUPPORTED, RULED_OUT),
    )
    everyone = facts.patients.select("patient_id")
    out = everyone.left_join(decided, "patient_id")
    return out.select(
        everyone.patient_id,
        *[out[c] for c in decided.columns if c not in ("patient_id", "status")],
        examined_by=method_label(out.method),
        status=out.status.fill_null(NOT_ASSESSED),
    )


@rule(
    id="TUB-CAUSE-001",
    name="hydrosalpinx",
    kind="cause",
    implements=[
        "camus-1999/hydrosalpinx-harm",
        "eshre-rif-2023/hydrosalpinx-detection",
        "eshre-rif-2023/treat-hydrosalpinx",
        "cochrane-cd002125/surgery-before-ivf",
    ],
    because={
        SUPPORTED: "Hydrosalpinx, {side}, on {examined_by} on {exam_date}; link to implantation "
        "failure {strength}",
        RULED_OUT: "No hydrosalpinx on {examined_by} on {exam_date}",
        NOT_ASSESSED: "No examination of the tubes for hydrosalpinx recorded",
    },
    next_step={
        SUPPORTED: "Offer laparoscopic salpingectomy or proximal tubal occlusion before the "
        "next transfer (ESHRE RIF; Cochrane CD002125)",
        NOT_ASSESSED: "Look for hydrosalpinx on transvaginal ultrasound (HSG if needed)",
    },
)
def hydrosalpinx(facts: Facts, kb: Knowledge) -> ir.Table:
    """A hydrosalpinx.

    ## What it decides
    Whether the latest examination of the tubes found a hydrosalpinx: supported (with side,
    and strong when ultrasound-visible — 2D/3D ultrasound or sonohysterography), ruled out
    when looked for and not found (ultrasound, HSG or laparoscopy). Decided in the derivation
    ``cause_hydrosalpinx``.

    ## Why it matters
    Hydrosalpinx roughly halves implantation and delivery after IVF and raises early loss
    (Camus 1999); the ultrasound-visible kind drives the harm. Salpingectomy or proximal
    occlusion before IVF improves the chance of pregnancy (Cochrane CD002125).

    ## Not assessed when
    No examination for hydrosalpinx is recorded.

    ## Example
    A right hydrosalpinx on transvaginal ultrasound: supported, right, strong.
    """
    return facts.derived("cause_hydrosalpinx")


DERIVATIONS = {"cause_hydrosalpinx": Derivation(cause_hydrosalpinx)}

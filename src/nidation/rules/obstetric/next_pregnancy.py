"""Forward advice for pregnancy after a miscarriage: vaginal progesterone if she bleeds
(SURV-PRG-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import compare, count_if
from nidation.knowledge import Knowledge

FLAGGED, NOT_FLAGGED = "flagged", "not_flagged"
MINIMUM = "progesterone.bleeding_min_previous_miscarriages"
UNTIL = "progesterone.prism_until_weeks"


def _cmp(kb: Knowledge, value: ir.NumericValue, key: str, default: str) -> ir.BooleanValue:
    return compare(value, kb.threshold(key).operator or default, kb.value(key))


@rule(
    id="SURV-PRG-001",
    name="progesterone-if-bleeding-after-miscarriage",
    kind="surveillance",
    implements=[
        "nice-ng126/progesterone-bleeding-previous-miscarriage",
        "prism-2019/benefit-bleeding-previous-loss",
    ],
    uses=[MINIMUM, UNTIL],
    because={
        FLAGGED: "{miscarriages} previous miscarriage(s): bleeding in early pregnancy is an "
        "indication for vaginal progesterone (NICE NG126; PRISM)",
        NOT_FLAGGED: "{reason}",
    },
    next_step={
        FLAGGED: "{when}: if she bleeds with a scan-confirmed intrauterine pregnancy, offer "
        "vaginal micronised progesterone {kb[progesterone.prism_dose_mg]} mg twice daily until "
        "{kb[progesterone.prism_until_weeks]} completed weeks; without bleeding it does not help "
        "(PROMISE)",
    },
)
def progesterone_if_bleeding_after_miscarriage(facts: Facts, kb: Knowledge) -> ir.Table:
    """Tell her, before she needs it, that bleeding in early pregnancy calls for progesterone.

    ## What it decides
    Flagged when she has had at least ``progesterone.bleeding_min_previous_miscarriages``
    miscarriage and is not pregnant (advice for the next pregnancy), or is pregnant before
    ``progesterone.prism_until_weeks`` weeks (or of unknown week). Not flagged without a
    previous miscarriage, or when she is pregnant at or beyond that week.

    ## Why it matters
    NICE NG126 offers vaginal micronised progesterone to women who bleed in early pregnancy
    after one or more miscarriages (PRISM: live birth 75% vs 70%, and 72% vs 57% after three
    or more); the advice only helps if she and her team know it before the bleeding starts.
    Progesterone without bleeding does not help (PROMISE), so it is not offered for that.

    ## Not assessed when
    Never: every recorded pregnancy has an outcome. No recorded pregnancy is no miscarriage.

    ## Example
    Two miscarriages at 7 and 9 weeks, not pregnant now: flagged, for the next pregnancy.
    """
    e = facts.derived("pregnancy_events")
    p = facts.pregnancies
    j = e.join(p, [e.patient_id == p.patient_id, e.pregnancy_id == p.id])
    ongoing = j.outcome == "ongoing"
    per = j.group_by("patient_id").aggregate(
        miscarriages=count_if(j.outcome == "miscarriage"),
        pregnant=count_if(ongoing) > 0,
        bleeding=count_if(ongoing & j.bleeding_in_early_pregnancy) > 0,
        current_weeks=ibis.ifelse(ongoing, j.gestational_weeks, ibis.null("float64")).max(),
    )
    everyone = facts.patients.select("patient_id")
    k = everyone.left_join(per, everyone.patient_id == per.patient_id)
    t = k.select(
        everyone.patient_id,
        miscarriages=k.miscarriages.fill_null(0),
        pregnant=k.pregnant.fill_null(False),
        bleeding=k.bleeding.fill_null(False),
        current_weeks=k.current_weeks,
    )
    enough = _cmp(kb, t.miscarriages.cast("float64"), MINIMUM, ">=")
    before = _cmp(kb, t.current_weeks, UNTIL, "<")
    past = t.pregnant & ~before.fill_null(True)
    weeks_now = t.current_weeks.floor().cast("int64").cast("string")
    status = ibis.cases((~enough, NOT_FLAGGED), (past, NOT_FLAGGED), else_=FLAGGED)
    reason = ibis.ifelse(
        ~enough,
        ibis.literal(
            "No previous miscarriage recorded: progesterone is not offered for bleeding "
            "without one (NICE NG126)"
        ),
        "Pregnant at " + weeks_now + " weeks: past the window for progesterone for bleeding",
    )
    when = ibis.cases(
        (~t.pregnant, ibis.literal("In her next pregnancy")),
        (t.bleeding, ibis.literal("She is bleeding now (see the treatment protocol)")),
        (t.current_weeks.isnull(), ibis.literal("In this pregnancy (week unknown)")),
        else_="In this pregnancy (she is " + weeks_now + " weeks)",
    )
    return t.select(
        "patient_id", "miscarriages", "current_weeks", status=status, reason=reason, when=when
    )

"""Cervical-length surveillance after a spontaneous second-trimester loss or preterm birth
(SURV-CX-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET
from nidation.engine.vocabulary import compare
from nidation.knowledge import Knowledge
from nidation.rules.obstetric.preterm_history import gtg75_history_status

FLAGGED, NOT_FLAGGED = "flagged", "not_flagged"


def _cmp(kb: Knowledge, value: ir.NumericValue, key: str) -> ir.BooleanValue:
    threshold = kb.threshold(key)
    assert threshold.operator is not None, key
    return compare(value, threshold.operator, kb.value(key))


@rule(
    id="SURV-CX-001",
    name="cervical-length-surveillance",
    kind="surveillance",
    implements=[
        "rcog-gtg75-2022/cervical-length-surveillance",
        "rcog-gtg75-2022/ultrasound-indicated-cerclage",
    ],
    uses=["cervix.surveillance_start_weeks", "cervix.surveillance_end_weeks"],
    because={
        FLAGGED: "{second_trimester_losses} second-trimester loss(es) and "
        "{spontaneous_preterm_births} spontaneous preterm birth(s) "
        "({cervical_insufficiency} with cervical insufficiency recorded): her cervix should "
        "be watched in pregnancy",
        NOT_FLAGGED: "{reason}",
        NOT_ASSESSED: "Second-trimester loss or preterm birth not settled: "
        "{rcog_events_possible} miscarriage(s) or birth(s) without a gestational week",
    },
    next_step={
        FLAGGED: "Offer serial transvaginal cervical-length scans {when} until "
        "{kb[cervix.surveillance_end_weeks]} weeks; a shortening cervix may call for an "
        "ultrasound-indicated cerclage or vaginal progesterone (see the treatment protocol)",
    },
)
def cervical_length_surveillance(facts: Facts, kb: Knowledge) -> ir.Table:
    """Serial cervical-length scans after a spontaneous second-trimester loss or preterm birth.

    ## What it decides
    Flagged when OBS-DEF-001 is met (a second-trimester loss or spontaneous preterm birth)
    and she is not pregnant, or pregnant before ``cervix.surveillance_end_weeks`` weeks (or of
    unknown week): scans from ``cervix.surveillance_start_weeks`` weeks, or now if she is
    already past that week. Not flagged without that history, or when she is pregnant at or
    beyond the end of the surveillance window.

    ## Why it matters
    RCOG GTG 75 (grade B) offers serial transvaginal cervical-length scans to these women: a
    shortening cervix may benefit from an ultrasound-indicated cerclage, while a cervix that
    stays longer than 25 mm carries a low risk of another loss or preterm birth.

    ## Not assessed when
    The history is not settled (a miscarriage or birth without a gestational week).

    ## Example
    A miscarriage at 18 weeks with cervical insufficiency, now 10 weeks pregnant: flagged,
    scans from 14 weeks.
    """
    h = gtg75_history_status(facts, kb)
    start = kb.value("cervix.surveillance_start_weeks")
    started = _cmp(kb, h.current_weeks, "cervix.surveillance_start_weeks")
    within = _cmp(kb, h.current_weeks, "cervix.surveillance_end_weeks")
    past = h.pregnant & ~within.fill_null(True)
    status = ibis.cases(
        (h.history == NOT_MET, NOT_FLAGGED),
        ((h.history == MET) & past, NOT_FLAGGED),
        (h.history == MET, FLAGGED),
        else_=NOT_ASSESSED,
    )
    weeks_now = h.current_weeks.floor().cast("int64").cast("string")
    when = ibis.cases(
        (~h.pregnant, ibis.literal(f"from {start:g} weeks of her next pregnancy")),
        (h.current_weeks.isnull(), ibis.literal(f"from {start:g} weeks (week now unknown)")),
        (started, "from now (she is " + weeks_now + " weeks)"),
        else_=ibis.literal(f"from {start:g} weeks (she is ") + weeks_now + " weeks)",
    )
    reason = ibis.ifelse(
        h.history == NOT_MET,
        ibis.literal("No spontaneous second-trimester loss or preterm birth recorded"),
        "Pregnant at " + weeks_now + " weeks: past the cervical-length surveillance window",
    )
    return h.select(
        "patient_id",
        "second_trimester_losses",
        "spontaneous_preterm_births",
        "cervical_insufficiency",
        "rcog_events_possible",
        "current_weeks",
        status=status,
        when=when,
        reason=reason,
        history_status=h.history,
    )

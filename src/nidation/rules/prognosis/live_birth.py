"""Prognosis after pregnancy loss: next-pregnancy live birth and baseline miscarriage risk."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import ESTIMATED, NOT_ASSESSED
from nidation.engine.vocabulary import age_now, in_band
from nidation.knowledge import Knowledge


@rule(
    id="PRED-LB-001",
    name="next-pregnancy-live-birth-brigham",
    kind="prediction",
    implements=["brigham-1999/next-pregnancy-live-birth"],
    uses=["table:brigham_live_birth"],
    because={
        ESTIMATED: "About {live_birth_chance:.0%} chance of a live birth in the next pregnancy "
        "after {losses} losses at age {age} (Brigham 1999 model, row for age {table_age})",
        NOT_ASSESSED: "{reason}",
    },
)
def next_pregnancy_live_birth(facts: Facts, kb: Knowledge) -> ir.Table:
    """Chance of a live birth in the next pregnancy by age and number of previous losses.

    ## What it decides
    Looks up the ``brigham_live_birth`` table at the patient's number of counted pregnancy
    losses and the tabulated maternal age nearest to her age today in completed years.

    ## Why it matters
    Most women with recurrent loss go on to a live birth; counselling starts from her own
    number, not from fear.

    ## Not assessed when
    Her age is unknown, or her age or number of losses is outside the table's range (the
    table is never extrapolated).

    ## Example
    Age 30 with 3 losses: 80 %.
    """
    b = facts.kb_table("brigham_live_birth")
    bounds = b.aggregate(
        age_lo=b.maternal_age_years.min(),
        age_hi=b.maternal_age_years.max(),
        k_lo=b.previous_losses.min(),
        k_hi=b.previous_losses.max(),
    )
    c = facts.derived("loss_counts")
    p = facts.patients
    # The table is by age in completed years: 45.4 is 45.
    x = p.select("patient_id", age=age_now(p).floor()).join(c, "patient_id").cross_join(bounds)
    in_range = (
        (x.age >= x.age_lo)
        & (x.age <= x.age_hi)
        & (x.eshre_losses >= x.k_lo)
        & (x.eshre_losses <= x.k_hi)
    )
    x = x.mutate(in_range=in_range)
    cand = x.join(b, x.eshre_losses == b.previous_losses)
    cand = cand.mutate(
        _n=ibis.row_number().over(
            group_by="patient_id",
            order_by=[(cand.age - cand.maternal_age_years).abs(), cand.maternal_age_years],
        )
    )
    best = cand.filter(cand._n == 0).select(
        "patient_id", table_age=cand.maternal_age_years, chance=cand.live_birth_probability
    )
    j = x.left_join(best, "patient_id")
    ok = j.in_range.fill_null(False) & j.chance.notnull()
    reason = ibis.cases(
        (j.age.isnull(), "Her age is not known"),
        (
            ~j.in_range.fill_null(False),
            "Outside the table's range (ages "
            + j.age_lo.cast("string")
            + "–"
            + j.age_hi.cast("string")
            + ", "
            + j.k_lo.cast("string")
            + "–"
            + j.k_hi.cast("string")
            + " losses): not extrapolated",
        ),
        else_="No value in the table for this age and number of losses",
    )
    return j.select(
        patient_id=x.patient_id,
        age=j.age,
        losses=j.eshre_losses,
        table_age=j.table_age,
        live_birth_chance=ibis.ifelse(ok, j.chance, ibis.null("float64")),
        reason=ibis.ifelse(ok, ibis.null("string"), reason),
        status=ibis.ifelse(ok, ESTIMATED, NOT_ASSESSED),
    )


@rule(
    id="PRED-MC-001",
    name="baseline-miscarriage-risk-by-age",
    kind="prediction",
    implements=["magnus-2019/miscarriage-risk-by-age"],
    uses=["table:miscarriage_baseline_risk"],
    because={
        ESTIMATED: "Baseline risk of miscarriage at age {age_completed_years} (completed "
        "years): about {risk:.0%} of "
        "recognised pregnancies (population data, Magnus 2019)",
        NOT_ASSESSED: "Her age is not known, or the table has no value for it",
    },
)
def baseline_miscarriage_risk(facts: Facts, kb: Knowledge) -> ir.Table:
    """Population miscarriage risk per recognised pregnancy at the patient's age.

    ## What it decides
    Looks up ``miscarriage_baseline_risk`` by her age today.

    ## Why it matters
    Puts her losses beside the background risk every pregnancy carries at her age.

    ## Not assessed when
    Her age is unknown, or the table has no value for her age band.

    ## Example
    Age 27: about 10 %.
    """
    t = facts.kb_table("miscarriage_baseline_risk")
    p = facts.patients
    a = p.select("patient_id", age=age_now(p))
    j = a.join(t, in_band(a.age, t.age_min, t.age_max))
    j = j.filter(j.probability.notnull())
    return j.select(
        "patient_id",
        "age",
        age_completed_years=j.age.floor().cast("int64"),
        risk=j.probability,
        status=ibis.literal(ESTIMATED),
    )

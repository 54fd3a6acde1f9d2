"""Modifiable lifestyle factors: smoking, alcohol, caffeine and body-mass index."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.endocrine.common import bmi_of, meets

ALCOHOL = "alcohol.max_units_per_week"
CAFFEINE = "caffeine.limit_mg_per_day"
BMI_LOW = "bmi.low_below_kg_m2"
BMI_HIGH = "bmi.high_above_kg_m2"
SEPARATOR = "; "


def _listed(*items: tuple[ir.BooleanValue, str]) -> ir.StringValue:
    """The texts of the items whose condition is true, comma-separated (null when none)."""
    names = [ibis.ifelse(cond.fill_null(False), name, ibis.null("string")) for cond, name in items]
    joined = ibis.literal(SEPARATOR).join(names)
    return ibis.ifelse(joined == "", ibis.null("string"), joined)


def cause_lifestyle_factors(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): ``supported`` when any of current smoking, alcohol above
    ``alcohol.max_units_per_week``, caffeine above ``caffeine.limit_mg_per_day`` or a BMI
    outside ``bmi.low_below_kg_m2``–``bmi.high_above_kg_m2`` is present; ``ruled_out`` only
    when all four are known and within limits; else ``not_assessed``. Evidence lists the factors
    present and those not recorded."""
    p = facts.patients
    bmi, bmi_from = bmi_of(p)
    t = p.select(
        "patient_id",
        "smoking",
        "cigarettes_per_day",
        "alcohol_units_per_week",
        "caffeine_mg_per_day",
        bmi_kg_m2=bmi,
        bmi_from=bmi_from,
    )
    cigarettes = (t.cigarettes_per_day > 0).fill_null(False)
    smoker = (t.smoking == "current").fill_null(False) | cigarettes
    non_smoker = t.smoking.isin(["never", "former"]).fill_null(False) & ~cigarettes
    alcohol = meets(t.alcohol_units_per_week, kb, ALCOHOL)
    caffeine = meets(t.caffeine_mg_per_day, kb, CAFFEINE)
    underweight = meets(t.bmi_kg_m2, kb, BMI_LOW)
    above_range = meets(t.bmi_kg_m2, kb, BMI_HIGH)
    present = _listed(
        (smoker, "current smoking"),
        (alcohol, "alcohol above the limit"),
        (caffeine, "caffeine above the limit"),
        (underweight, "BMI below the healthy range"),
        (above_range, "BMI above the healthy range"),
    )
    unknown = _listed(
        (~smoker & ~non_smoker, "smoking"),
        (t.alcohol_units_per_week.isnull(), "alcohol intake"),
        (t.caffeine_mg_per_day.isnull(), "caffeine intake"),
        (t.bmi_kg_m2.isnull(), "BMI (or weight and height)"),
    )
    advice = _listed(
        (smoker, "stop smoking (both partners; nicotine replacement is acceptable in pregnancy)"),
        (alcohol, "avoid alcohol when trying to conceive and in pregnancy"),
        (caffeine, f"keep caffeine to {kb.value(CAFFEINE):g} mg a day or less"),
        (
            underweight | above_range,
            f"aim for a BMI of {kb.value(BMI_LOW):g}–{kb.value(BMI_HIGH):g} kg/m²",
        ),
    )
    status = ibis.cases(
        (present.notnull(), SUPPORTED),
        (unknown.isnull(), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    return t.select(
        patient_id=t.patient_id.cast("string"),  # nullable, like every left-joined rule table
        status=status,
        present=present,
        not_recorded=unknown,
        advice=advice,
        smoking=ibis.ifelse(smoker, "current", t.smoking),
        cigarettes_per_day=t.cigarettes_per_day,
        current_smoker=ibis.ifelse(smoker | non_smoker, smoker, ibis.null("boolean")),
        alcohol_units_per_week=t.alcohol_units_per_week,
        alcohol_above_limit=alcohol,
        caffeine_mg_per_day=t.caffeine_mg_per_day,
        caffeine_above_limit=caffeine,
        bmi_kg_m2=t.bmi_kg_m2,
        bmi_from=t.bmi_from,
        bmi_outside_range=underweight | above_range,
    )


@rule(
    id="LIFE-CAUSE-001",
    name="lifestyle-factors",
    kind="cause",
    implements=[
        "rcog-gtg17-2023/lifestyle-risk-factors",
        "eshre-rpl-2022/health-behaviour-change",
        "eshre-rif-2023/lifestyle-assessment",
        "pineles-2014/smoking-miscarriage",
        "uk-miscarriage-centre/stop-smoking",
        "chen-2016/caffeine-dose-response",
        "nidation-defaults/caffeine-limit",
        "nidation-defaults/avoid-alcohol",
        "metwally-2008/overweight-miscarriage",
        "metwally-2010/bmi-recurrent-miscarriage",
    ],
    uses=[
        "alcohol.max_units_per_week",
        "caffeine.limit_mg_per_day",
        "bmi.low_below_kg_m2",
        "bmi.high_above_kg_m2",
    ],
    because={
        SUPPORTED: "Present: {present}. Smoking {smoking}; alcohol {alcohol_units_per_week} "
        "units/week (limit {kb[alcohol.max_units_per_week]}); caffeine {caffeine_mg_per_day} "
        "mg/day (limit {kb[caffeine.limit_mg_per_day]}); BMI {bmi_kg_m2} kg/m² (healthy "
        "{kb[bmi.low_below_kg_m2]}–{kb[bmi.high_above_kg_m2]})",
        RULED_OUT: "All within limits: smoking {smoking}; alcohol {alcohol_units_per_week} "
        "units/week (limit {kb[alcohol.max_units_per_week]}); caffeine {caffeine_mg_per_day} "
        "mg/day (limit {kb[caffeine.limit_mg_per_day]}); BMI {bmi_kg_m2} kg/m² (healthy "
        "{kb[bmi.low_below_kg_m2]}–{kb[bmi.high_above_kg_m2]})",
        NOT_ASSESSED: "Not recorded: {not_recorded}; the factors recorded are within limits",
    },
    next_step={
        SUPPORTED: "Support health-behaviour change (ESHRE): {advice}",
        NOT_ASSESSED: "Record {not_recorded}",
    },
)
def lifestyle_factors(facts: Facts, kb: Knowledge) -> ir.Table:
    """Lifestyle factors associated with miscarriage: smoking, alcohol, caffeine, BMI.

    ## What it decides
    Supported when any is present: current smoking (or cigarettes per day above zero), alcohol
    above ``alcohol.max_units_per_week`` units a week, caffeine above
    ``caffeine.limit_mg_per_day`` mg a day, or a BMI below ``bmi.low_below_kg_m2`` or above
    ``bmi.high_above_kg_m2`` (recorded, else weight / height² to one decimal). Ruled out only
    when all four are known and within limits (a former smoker is a non-smoker). Evidence
    lists the factors present and those not recorded.

    ## Why it matters
    RCOG lists BMI below 19 or above 25, smoking, excess caffeine and more than 10 units of
    alcohol a week as associated with recurrent miscarriage; smoking raises miscarriage risk
    (RR 1.23) and caffeine does so with dose (RR 1.40 at 350–699 mg a day). They are the
    modifiable factors ESHRE asks clinicians to help change, in RPL and in RIF.

    ## Not assessed when
    None is present but at least one (smoking status, alcohol, caffeine, BMI) is not recorded.

    ## Example
    Never smoker, 2 units of alcohol a week, 150 mg caffeine a day, BMI 23.4: ruled out.
    """
    return facts.derived("cause_lifestyle_factors")


DERIVATIONS = {"cause_lifestyle_factors": Derivation(cause_lifestyle_factors)}

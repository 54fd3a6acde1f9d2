"""Glucose metabolism and weight: diabetes, and insulin resistance / PCOS / excess weight."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.endocrine.common import bmi_of, check_unit, meets, with_condition, with_latest

HBA1C = "diabetes.hba1c_min_pct"
PREDIABETES = "diabetes.prediabetes_hba1c_min_pct"
FASTING_GLUCOSE = "diabetes.fasting_glucose_min_mmol_per_l"
OVERWEIGHT = "bmi.overweight_min_kg_m2"
OBESE = "bmi.obese_min_kg_m2"
DIABETES_CODES = ("diabetes_type1", "diabetes_type2")


def cause_diabetes(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): diabetes ``supported`` when the latest HbA1c or fasting
    plasma glucose reaches the ADA threshold or diabetes (type 1 or 2) is recorded;
    ``ruled_out`` when neither is recorded and every available test is below its threshold
    (at least one test known); else ``not_assessed``. HbA1c is compared in % (NGSP; IFCC
    mmol/mol results are converted), glucose in mmol/L; prediabetes (HbA1c from
    ``diabetes.prediabetes_hba1c_min_pct`` below the diabetes threshold) is evidence only."""
    check_unit(kb, HBA1C, "hba1c")
    check_unit(kb, PREDIABETES, "hba1c")
    check_unit(kb, FASTING_GLUCOSE, "fasting_glucose")
    t = facts.patients.select("patient_id")
    t = with_latest(t, facts, "hba1c", "a1c")
    t = with_latest(t, facts, "fasting_glucose", "fpg")
    t = with_condition(t, facts, DIABETES_CODES, "diabetes_recorded")
    a1c, fpg = t.a1c_value_canonical, t.fpg_value_canonical
    a1c_high = meets(a1c, kb, HBA1C)
    fpg_high = meets(fpg, kb, FASTING_GLUCOSE)
    high = a1c_high.fill_null(False) | fpg_high.fill_null(False)
    any_known = a1c.notnull() | fpg.notnull()
    prediabetes = ibis.ifelse(
        a1c.notnull(), meets(a1c, kb, PREDIABETES) & ~a1c_high, ibis.null("boolean")
    )
    status = ibis.cases(
        (high | t.diabetes_recorded, SUPPORTED),
        (any_known, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    finding = ibis.cases(
        (a1c_high.fill_null(False) & fpg_high.fill_null(False), "HbA1c and fasting glucose"),
        (a1c_high.fill_null(False), "HbA1c"),
        (fpg_high.fill_null(False), "fasting glucose"),
        (t.diabetes_recorded, "recorded diagnosis"),
        else_=ibis.null("string"),
    )
    glycaemia = ibis.cases(
        (a1c_high.fill_null(False), "in the diabetes range"),
        (prediabetes.fill_null(False), "in the prediabetes range"),
        (a1c.notnull(), "below the prediabetes range"),
        else_="not measured",
    )
    return t.select(
        "patient_id",
        status=status,
        diabetes_by=finding,
        hba1c_pct=a1c.round(2),
        hba1c_reported=t.a1c_value,
        hba1c_unit=t.a1c_unit,
        hba1c_reading=glycaemia,
        prediabetes=prediabetes,
        fasting_glucose_mmol_per_l=fpg.round(2),
        fasting_glucose_reported=t.fpg_value,
        fasting_glucose_unit=t.fpg_unit,
        diabetes_recorded=t.diabetes_recorded,
    )


def cause_insulin_resistance_pcos_obesity(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): ``supported`` when PCOS or obesity is recorded or her BMI
    is at least ``bmi.overweight_min_kg_m2`` (obese from ``bmi.obese_min_kg_m2``);
    ``ruled_out`` when her BMI is known and below overweight and neither PCOS nor obesity is
    recorded; ``not_assessed`` when her BMI is unknown and nothing is recorded. BMI as recorded,
    else weight / height². Fasting insulin is shown when measured (no threshold is sourced)."""
    p = facts.patients
    bmi, bmi_from = bmi_of(p)
    t = p.select("patient_id", bmi_kg_m2=bmi, bmi_from=bmi_from)
    t = with_condition(t, facts, ["pcos"], "pcos_recorded")
    t = with_condition(t, facts, ["obesity"], "obesity_recorded")
    t = with_latest(t, facts, "fasting_insulin", "ins")
    obese = meets(t.bmi_kg_m2, kb, OBESE).fill_null(False)
    overweight = meets(t.bmi_kg_m2, kb, OVERWEIGHT).fill_null(False)
    status = ibis.cases(
        (t.pcos_recorded | t.obesity_recorded | overweight, SUPPORTED),
        (t.bmi_kg_m2.notnull(), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    weight_class = ibis.cases(
        (obese, "obese"),
        (overweight, "overweight"),
        (t.bmi_kg_m2.notnull(), "below overweight"),
        (t.obesity_recorded, "obesity recorded"),
        else_="unknown",
    )
    found = ibis.cases(
        (t.pcos_recorded & (overweight | t.obesity_recorded), "PCOS with excess weight"),
        (t.pcos_recorded, "PCOS"),
        (obese | t.obesity_recorded, "Obesity"),
        (overweight, "Overweight"),
        else_=ibis.null("string"),
    )
    return t.select(
        "patient_id",
        status=status,
        finding=found,
        bmi_kg_m2=t.bmi_kg_m2,
        bmi_from=t.bmi_from,
        weight_class=weight_class,
        pcos_recorded=t.pcos_recorded,
        obesity_recorded=t.obesity_recorded,
        fasting_insulin_miu_per_l=t.ins_value_canonical,
    )


@rule(
    id="MET-CAUSE-001",
    name="diabetes",
    kind="cause",
    implements=[
        "ada-diagnosis/diabetes-criteria",
        "ada-diagnosis/prediabetes",
        "nidation-defaults/preconception-glycaemic-control",
        "eshre-rpl-2022/no-routine-glucose-insulin",
    ],
    uses=[
        "diabetes.hba1c_min_pct",
        "diabetes.fasting_glucose_min_mmol_per_l",
        "diabetes.prediabetes_hba1c_min_pct",
    ],
    because={
        SUPPORTED: "Diabetes by {diabetes_by}: HbA1c {hba1c_pct}% (diabetes from "
        "{kb[diabetes.hba1c_min_pct]}%), fasting glucose {fasting_glucose_mmol_per_l} mmol/L "
        "(diabetes from {kb[diabetes.fasting_glucose_min_mmol_per_l]} mmol/L)",
        RULED_OUT: "HbA1c {hba1c_pct}% ({hba1c_reading}; diabetes from "
        "{kb[diabetes.hba1c_min_pct]}%, prediabetes from "
        "{kb[diabetes.prediabetes_hba1c_min_pct]}%), fasting glucose "
        "{fasting_glucose_mmol_per_l} mmol/L (diabetes from "
        "{kb[diabetes.fasting_glucose_min_mmol_per_l]} mmol/L); no diabetes recorded",
        NOT_ASSESSED: "No HbA1c or fasting glucose result and no diabetes recorded",
    },
    next_step={
        SUPPORTED: "Reach good glycaemic control before the next pregnancy, with the diabetes "
        "team (poorly controlled diabetes raises the risk of miscarriage and anomalies)",
        NOT_ASSESSED: "ESHRE does not recommend routine HbA1c or glucose testing in RPL; test "
        "only when diabetes is suspected",
    },
)
def diabetes(facts: Facts, kb: Knowledge) -> ir.Table:
    """Diabetes mellitus by the ADA criteria, or recorded.

    ## What it decides
    Supported when the latest HbA1c is at least ``diabetes.hba1c_min_pct`` (NGSP %; results
    in IFCC mmol/mol are converted), the latest fasting plasma glucose is at least
    ``diabetes.fasting_glucose_min_mmol_per_l`` (mg/dL converted), or type 1 or type 2
    diabetes is recorded. Ruled out when no diabetes is recorded and the tests she has are all
    below their thresholds. An HbA1c from ``diabetes.prediabetes_hba1c_min_pct`` below the
    diabetes threshold is shown as prediabetes, which does not support the cause.

    ## Why it matters
    Poorly controlled pregestational diabetes raises the risk of miscarriage and congenital
    anomalies; pre-conception glycaemic control is the action. ESHRE does not recommend
    routine glucose or insulin testing in RPL, so most patients stay not assessed.

    ## Not assessed when
    Neither HbA1c nor fasting glucose has a result and no diabetes is recorded.

    ## Example
    HbA1c 48 mmol/mol (IFCC) = 6.54% NGSP: supported (diabetes from 6.5%).
    """
    return facts.derived("cause_diabetes")


@rule(
    id="MET-CAUSE-002",
    name="insulin-resistance-pcos-obesity",
    kind="cause",
    implements=[
        "who-bmi/classification",
        "metwally-2008/overweight-miscarriage",
        "metwally-2010/bmi-recurrent-miscarriage",
        "cavalcante-2019/obesity-rpl",
        "dms-2022-glucose-rpl/insulin-resistance-association",
        "pregmet2-2019/metformin-pcos-pregnancy",
        "eshre-rpl-2022/metformin-insufficient-evidence",
        "eshre-rpl-2022/no-routine-glucose-insulin",
        "rcog-gtg17-2023/lifestyle-risk-factors",
    ],
    uses=["bmi.overweight_min_kg_m2", "bmi.obese_min_kg_m2"],
    because={
        SUPPORTED: "{finding}: BMI {bmi_kg_m2} kg/m² (overweight from "
        "{kb[bmi.overweight_min_kg_m2]}, obese from {kb[bmi.obese_min_kg_m2]}). Obesity and "
        "PCOS are associated with miscarriage (obesity OR 1.71–1.75; BMI of 25 or more OR 1.67)",
        RULED_OUT: "BMI {bmi_kg_m2} kg/m² is below the overweight threshold of "
        "{kb[bmi.overweight_min_kg_m2]}, and neither PCOS nor obesity is recorded",
        NOT_ASSESSED: "BMI unknown (no BMI, or no weight and height) and no PCOS recorded",
    },
    next_step={
        SUPPORTED: "Offer support for weight management before the next pregnancy; metformin "
        "is not recommended to prevent loss (ESHRE: insufficient evidence; PregMet2 5% vs 10%, "
        "p = 0.08)",
        NOT_ASSESSED: "Record her height and weight",
    },
)
def insulin_resistance_pcos_obesity(facts: Facts, kb: Knowledge) -> ir.Table:
    """Insulin resistance, polycystic ovary syndrome (PCOS) or excess weight.

    ## What it decides
    Supported when PCOS or obesity is recorded or her BMI is at least
    ``bmi.overweight_min_kg_m2`` (shown as obese from ``bmi.obese_min_kg_m2``). Ruled out when
    her BMI is known and below overweight and neither PCOS nor obesity is recorded (the
    problem list is taken as complete: PCOS is not screened for in the RPL work-up). BMI is
    the recorded value, else weight / height² to one decimal. Fasting insulin is shown when
    measured; no insulin-resistance threshold is sourced, so it decides nothing.

    ## Why it matters
    A BMI of 25 or more is associated with miscarriage (OR 1.67) and obesity with RPL (OR
    1.71–1.75); insulin-resistance markers differ in women with RPL. Weight management is the
    action; metformin in pregnancy for PCOS did not significantly reduce late loss (PregMet2)
    and ESHRE finds the evidence insufficient.

    ## Not assessed when
    Her BMI is unknown (no BMI and no weight with height) and neither PCOS nor obesity is
    recorded.

    ## Example
    Weight 73.7 kg, height 168 cm, no BMI recorded: BMI 26.1, overweight, supported.
    """
    return facts.derived("cause_insulin_resistance_pcos_obesity")


DERIVATIONS = {
    "cause_diabetes": Derivation(cause_diabetes),
    "cause_insulin_resistance_pcos_obesity": Derivation(cause_insulin_resistance_pcos_obesity),
}

"""Vitamin D deficiency, by a configurable cut-off, with the IOM 2010 and Endocrine Society
2011 readings side by side."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.endocrine.common import check_unit, meets, with_latest

TEST = "vitamin_d_25oh"
SETTING = "vitamin_d.deficiency_cutoff_ng_per_ml"
ES_DEFICIENT = "vitamin_d.endocrine_society_deficient_below_ng_per_ml"
ES_SUFFICIENT = "vitamin_d.endocrine_society_sufficient_min_ng_per_ml"
IOM_DEFICIENT = "vitamin_d.iom_deficient_below_ng_per_ml"
SYSTEMS = ((ES_DEFICIENT, "Endocrine Society 2011"), (IOM_DEFICIENT, "IOM 2010"))


def _deciding_system(kb: Knowledge) -> str:
    """The name of the system whose cut-off the setting holds (or "clinic setting")."""
    for key, name in SYSTEMS:
        if (
            kb.value(key) == kb.value(SETTING)
            and kb.threshold(key).operator == kb.threshold(SETTING).operator
        ):
            return name
    return "clinic setting"


def cause_vitamin_d_deficiency(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): vitamin D deficiency ``supported`` when the latest
    25-hydroxyvitamin D is below the cut-off the setting ``vitamin_d.deficiency_cutoff_ng_per_ml``
    holds, ``ruled_out`` when at or above it, ``not_assessed`` without a result. Values are
    compared in the catalogue's canonical unit (ng/mL; nmol/L results converted); the IOM 2010
    and Endocrine Society 2011 readings are both given as evidence."""
    for key in (SETTING, ES_DEFICIENT, ES_SUFFICIENT, IOM_DEFICIENT):
        check_unit(kb, key, TEST)
    unit = kb.labs.tests[TEST].canonical_unit or ""
    per_unit_nmol = kb.labs.convert(TEST, 1.0, unit, "nmol/L")
    t = with_latest(facts.patients.select("patient_id"), facts, TEST, "vd")
    v = t.vd_value_canonical
    known = v.notnull()
    deficient = meets(v, kb, SETTING)
    es_deficient = meets(v, kb, ES_DEFICIENT)
    es_class = ibis.cases(
        (es_deficient, "deficient"),
        (meets(v, kb, ES_SUFFICIENT), "sufficient"),
        (known, "insufficient"),
        else_=ibis.null("string"),
    )
    iom_deficient = meets(v, kb, IOM_DEFICIENT)
    status = ibis.cases(
        (deficient.fill_null(False), SUPPORTED),
        (known, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    cutoff = kb.value(SETTING)
    return t.select(
        "patient_id",
        status=status,
        vitamin_d_ng_per_ml=v.round(2),
        vitamin_d_nmol_per_l=(v * per_unit_nmol).round(1),
        vitamin_d_reported=t.vd_value,
        vitamin_d_unit=t.vd_unit,
        vitamin_d_date=t.vd_date,
        deciding_system=ibis.literal(_deciding_system(kb)),
        deciding_cutoff_ng_per_ml=ibis.literal(cutoff),
        deciding_cutoff_nmol_per_l=ibis.literal(round(cutoff * per_unit_nmol, 1)),
        deficient_endocrine_society_2011=es_deficient,
        endocrine_society_2011_class=es_class,
        deficient_iom_2010=iom_deficient,
        iom_2010_reading=ibis.cases(
            (iom_deficient, "deficient"), (known, "not deficient"), else_=ibis.null("string")
        ),
    )


@rule(
    id="VITD-CAUSE-001",
    name="vitamin-d-deficiency",
    kind="cause",
    implements=[
        "endocrine-society-2011/vitamin-d-cutoffs",
        "iom-2010/vitamin-d-cutoffs",
        "endocrine-society-2024/no-threshold",
        "zhang-2017-vitd/first-trimester-loss",
        "zhao-2018-vitd/ivf-live-birth",
        "eshre-rpl-2022/no-routine-vitamin-d-screening",
        "eshre-rif-2023/vitamin-d-testing",
        "eshre-rpl-2022/vitamin-d-supplementation",
        "iom-2010/vitamin-d-intake",
    ],
    uses=[
        "vitamin_d.deficiency_cutoff_ng_per_ml",
        "vitamin_d.endocrine_society_deficient_below_ng_per_ml",
        "vitamin_d.endocrine_society_sufficient_min_ng_per_ml",
        "vitamin_d.iom_deficient_below_ng_per_ml",
    ],
    because={
        SUPPORTED: "25(OH)D {vitamin_d_ng_per_ml} ng/mL ({vitamin_d_nmol_per_l} nmol/L) is "
        "below the {deciding_system} deficiency cut-off of {deciding_cutoff_ng_per_ml} ng/mL "
        "({deciding_cutoff_nmol_per_l} nmol/L). Endocrine Society 2011: "
        "{endocrine_society_2011_class}; IOM 2010 (deficient below "
        "{kb[vitamin_d.iom_deficient_below_ng_per_ml]} ng/mL): {iom_2010_reading}",
        RULED_OUT: "25(OH)D {vitamin_d_ng_per_ml} ng/mL ({vitamin_d_nmol_per_l} nmol/L) is at "
        "or above the {deciding_system} deficiency cut-off of {deciding_cutoff_ng_per_ml} ng/mL "
        "({deciding_cutoff_nmol_per_l} nmol/L). Endocrine Society 2011: "
        "{endocrine_society_2011_class}; IOM 2010 (deficient below "
        "{kb[vitamin_d.iom_deficient_below_ng_per_ml]} ng/mL): {iom_2010_reading}",
        NOT_ASSESSED: "No 25-hydroxyvitamin D result",
    },
    next_step={
        SUPPORTED: "Vitamin D supplementation before conception could be considered (ESHRE), "
        "within the IOM tolerable upper intake; the association with loss is observational",
        NOT_ASSESSED: "Not screened routinely in RPL (ESHRE); in RIF testing could be "
        "considered (ESHRE 2023)",
    },
)
def vitamin_d_deficiency(facts: Facts, kb: Knowledge) -> ir.Table:
    """Vitamin D deficiency (25-hydroxyvitamin D), by a configurable cut-off.

    ## What it decides
    Supported when the latest 25(OH)D is below ``vitamin_d.deficiency_cutoff_ng_per_ml`` — a
    setting holding the Endocrine Society 2011 cut-off
    (``vitamin_d.endocrine_society_deficient_below_ng_per_ml``, the default) or the IOM 2010
    one (``vitamin_d.iom_deficient_below_ng_per_ml``); ruled out when at or above it. Values
    are compared in ng/mL (the catalogue's canonical unit; nmol/L results are converted with
    1 ng/mL = 2.496 nmol/L). Both systems' readings are evidence, with the Endocrine Society
    class (deficient, insufficient, sufficient from
    ``vitamin_d.endocrine_society_sufficient_min_ng_per_ml``).

    ## Why it matters
    25(OH)D below 20 ng/mL is associated with first-trimester loss (RR 2.24) and fewer IVF
    live births (RR 0.74), observationally. ESHRE suggests pre-conception supplementation could
    be considered; the two systems disagree between 12 and 20 ng/mL, and the Endocrine Society
    2024 guideline no longer endorses a threshold, hence the setting.

    ## Not assessed when
    No 25(OH)D result.

    ## Example
    25(OH)D 18 ng/mL (44.9 nmol/L): supported under the default Endocrine Society 2011 cut-off
    (below 20 ng/mL); not deficient by IOM 2010 (12 ng/mL).
    """
    return facts.derived("cause_vitamin_d_deficiency")


DERIVATIONS = {"cause_vitamin_d_deficiency": Derivation(cause_vitamin_d_deficiency)}

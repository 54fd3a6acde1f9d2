"""Pregnancy surveillance where an immune cause raises the risk of placental complications
(SURV-APS-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge

FLAGGED, NOT_FLAGGED = "flagged", "not_flagged"
WATCH = "fetal growth restriction, pre-eclampsia and placental insufficiency"


@rule(
    id="SURV-APS-001",
    name="aps-placental-complications-surveillance",
    kind="surveillance",
    implements=[
        "noh-aps-2014/placental-complications-despite-treatment",
        "sydney-2006/laboratory-criteria",
    ],
    because={
        FLAGGED: "Persistent antiphospholipid antibodies ({antibodies}): treated APS "
        "pregnancies still have more pre-eclampsia and placental complications (NOH-APS)",
        NOT_FLAGGED: "Antiphospholipid antibodies negative on the latest complete panel",
        NOT_ASSESSED: "Antiphospholipid antibody status not settled (pending: "
        "{antibodies}; not tested: {missing_tests})",
    },
    next_step={FLAGGED: "In pregnancy, watch for {watch}"},
)
def aps_placental_surveillance(facts: Facts, kb: Knowledge) -> ir.Table:
    """Surveillance for placental complications when antiphospholipid antibodies persist.

    ## What it decides
    Flagged when the Sydney 2006 laboratory criterion is supported (APS-LAB-001): a pregnancy
    should be watched for fetal growth restriction, pre-eclampsia and placental
    insufficiency, even on aspirin and heparin. Not flagged when the antibodies were ruled
    out.

    ## Why it matters
    In the NOH-APS cohort, 513 women with treated obstetric APS still had more pre-eclampsia
    and placental complications than 791 antiphospholipid-negative women.

    ## Not assessed when
    The laboratory criterion is not assessed (a positive awaiting repeat, missing tests).

    ## Example
    LA and aCL IgG persistent: flagged.
    """
    lab = facts.derived("cause_aps_lab")
    return lab.select(
        "patient_id",
        status=ibis.cases(
            (lab.status == SUPPORTED, FLAGGED),
            (lab.status == RULED_OUT, NOT_FLAGGED),
            else_=NOT_ASSESSED,
        ),
        antibodies=lab.antibodies,
        missing_tests=lab.missing_tests,
        watch=ibis.literal(WATCH),
    )

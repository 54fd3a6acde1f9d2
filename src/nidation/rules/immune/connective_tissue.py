"""Systemic lupus erythematosus and other connective-tissue disease (SLE-CAUSE-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.immune.aps_classification import attach

CTD_CONDITIONS = ("sle",)


@rule(
    id="SLE-CAUSE-001",
    name="sle-connective-tissue-disease",
    kind="cause",
    implements=["eshre-rpl-2017/ana-explanatory", "eshre-rpl-2022/sle-workup-if-features"],
    because={
        SUPPORTED: "Systemic lupus erythematosus is recorded",
        NOT_ASSESSED: "{detail}",
    },
    next_step={
        SUPPORTED: "Co-manage with rheumatology before and during pregnancy",
        NOT_ASSESSED: "Refer for a rheumatological assessment only if there are clinical "
        "features of connective-tissue disease",
    },
)
def sle_connective_tissue_disease(facts: Facts, kb: Knowledge) -> ir.Table:
    """Systemic lupus erythematosus or another connective-tissue disease.

    ## What it decides
    Supported when SLE is recorded as a condition (active or resolved). An antinuclear
    antibody (ANA) result is shown but decides nothing: ESHRE advises ANA for explanatory
    purposes only, and a positive ANA alone is not SLE. Never ruled out here: excluding a
    connective-tissue disease takes a rheumatological assessment, not a negative ANA.

    ## Why it matters
    SLE raises the risk of pregnancy loss and preterm birth, especially with
    antiphospholipid antibodies or active nephritis, and calls for rheumatology
    co-management.

    ## Not assessed when
    SLE is not recorded, whatever the ANA says (``ana_positive`` is explanatory).

    ## Example
    ANA 1:320 positive with no SLE recorded: not assessed (explanatory only).
    """
    c = facts.conditions
    c = c.filter(c.code.isin(CTD_CONDITIONS))
    sle = c.group_by("patient_id").aggregate(sle_recorded=c.count() > 0)
    latest = facts.derived("latest_labs")
    ana = latest.filter(latest.test == "ana")
    q = ana.qualitative
    positive = ibis.cases(
        (q == "positive", True),
        (q == "negative", False),
        else_=ana.above_reference,
    )
    ana = ana.select("patient_id", ana_positive=positive, ana_date=ana.date)
    j = attach(facts.patients.select("patient_id"), sle, ana)
    recorded = j.sle_recorded.fill_null(False)
    detail = ibis.cases(
        (
            j.ana_positive.fill_null(False),
            "ANA positive: explanatory only (ESHRE); a positive ANA alone is not SLE, and "
            "SLE needs a rheumatological assessment",
        ),
        (
            ~j.ana_positive.fill_null(True),
            "ANA negative; no connective-tissue disease recorded, but none is excluded "
            "without a rheumatological assessment",
        ),
        (
            j.ana_date.notnull(),
            "ANA result unclear; no connective-tissue disease recorded",
        ),
        else_="No connective-tissue disease recorded and no ANA result",
    )
    return j.select(
        "patient_id",
        status=ibis.ifelse(recorded, SUPPORTED, NOT_ASSESSED),
        sle_recorded=recorded,
        ana_positive=j.ana_positive,
        ana_tested=j.ana_date.notnull(),
        detail=detail,
    )

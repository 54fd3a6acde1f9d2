"""Investigations advised against: requested or done, and those of the patient's work-up."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.knowledge import Knowledge
from nidation.rules.workup.catalogue import (
    ADVISED_AGAINST,
    NOT_INDICATED,
    POSITIVE_STANCES,
    TABLE,
)
from nidation.rules.workup.plan import listed_with_summary

EVIDENCE = (
    "display",
    "indication",
    "strength",
    "recommendation",
    "reason",
    "requested",
    "requested_date",
    "date",
    "result",
)


@rule(
    id="INV-AVOID-001",
    name="tests-advised-against",
    kind="investigation",
    implements=[
        "eshre-rpl-2017/nk-cells-insufficient-evidence",
        "eshre-rpl-2017/hla-typing-not-recommended",
        "eshre-rpl-2017/cytokine-testing-not-recommended",
        "eshre-rpl-2017/anti-hla-not-recommended",
        "eshre-rpl-2017/anti-hy-not-recommended",
        "rcog-gtg17-2023/immunology-research-only",
        "eshre-rpl-2022/no-inherited-thrombophilia-testing",
        "eshre-rpl-2022/no-mthfr-homocysteine",
        "eshre-rpl-2022/no-infection-screening",
        "eshre-rpl-2022/no-prolactin-unless-symptoms",
        "eshre-rpl-2022/no-routine-glucose-insulin",
        "eshre-rpl-2022/no-ovarian-reserve",
        "eshre-rif-2023/immune-testing-not-recommended",
        "eshre-rif-2023/era-not-recommended",
        "eshre-rif-2023/microbiome-not-recommended",
        "eshre-rif-2023/sperm-dna-not-recommended",
        "eshre-rif-2023/embryo-mtdna-not-recommended",
        "eshre-rif-2023/thrombophilia-only-with-vte",
    ],
    uses=[f"table:{TABLE}"],
    because={ADVISED_AGAINST: "{display}: {line}", NOT_INDICATED: "{display}: {line}"},
    next_step={ADVISED_AGAINST: "Do not order {display}; explain why to the patient"},
)
def tests_advised_against(facts: Facts, kb: Knowledge) -> ir.Table:
    """Tests the guidelines advise against, shown with the reason and never as due.

    ## What it decides
    One ``advised_against`` item per test of the ``investigations`` catalogue whose stance
    is ``advised_against`` for one of her indications (or for any patient) and that was
    requested (``requested_tests``) or already done (a result exists); plus, when she meets
    the ESHRE RPL definition (``rpl.eshre_min_losses``) or RIF description
    (``rif.eshre_cumulative_threshold_fraction``), every advised-against test of that
    work-up, so clinicians see them. A test that another of her indications recommends or
    makes conditional (e.g. factor V Leiden after a second-trimester loss, RCOG) is not
    listed. Nothing to list: one ``not_indicated`` row.

    ## Why it matters
    NK-cell, HLA, cytokine, microbiome, ERA and thrombophilia tests are often offered after
    RPL or RIF; they lead to unproven and sometimes harmful treatment.

    ## Not assessed when
    Never.

    ## Example
    RPL with peripheral NK cells requested: ``nk_cells_peripheral`` advised against
    ("insufficient evidence for NK-cell testing"), never due.
    """
    it = facts.derived("investigation_items")
    positive = it.filter(it.stance.isin(POSITIVE_STANCES)).select("patient_id", "investigation")
    ag = it.filter(it.status == ADVISED_AGAINST)
    ag = ag.anti_join(positive.distinct(), ["patient_id", "investigation"])
    asked = ag.requested | ag.done_found
    ag = ag.filter(asked | ag.indication.isin(("rpl_eshre", "rif_eshre")))
    listed = ag.select(
        "patient_id",
        *EVIDENCE,
        item=ag.investigation,
        status=ag.status,
        line=ibis.cases(
            (ag.done_found, "done on " + ibis.coalesce(ag.date.cast("string"), "?") + ", "),
            (ag.requested, "requested, "),
            else_="",
        )
        + "advised against. "
        + ag.reason
        + " ("
        + ag.recommendation
        + ", "
        + ag.strength
        + ")",
        priority=ibis.ifelse(asked, 2, 0) + ibis.ifelse(ag.indication == "any", 0, 1),
    )
    w = facts.derived("workup_indications")
    fallback = w.select(
        "patient_id",
        status=ibis.literal(NOT_INDICATED),
        display=ibis.literal("Tests advised against"),
        line=ibis.literal("none requested or done, and no RPL or RIF work-up"),
        priority=ibis.literal(0),
    )
    return listed_with_summary(listed, fallback, title="Tests advised against")

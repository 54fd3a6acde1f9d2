"""Recurrent implantation failure as ESHRE 2023 describes it."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET
from nidation.engine.vocabulary import (
    compare,
    count_if,
    log_survival,
    meets,
    one_minus_product,
    tri_state,
)
from nidation.knowledge import Knowledge


def failed_transfer_summary(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): the counted failed transfers and embryos, how many
    embryos have no predicted chance, and the cumulative chance of the others."""
    v = facts.derived("transfer_chances")
    v = v.filter(v.counted)
    agg = v.group_by("patient_id").aggregate(
        failed_transfers=v.transfer_id.nunique(),
        embryos=v.count(),
        embryos_without_chance=count_if(v.p_implant.isnull()),
        log_sum=log_survival(v.p_implant).sum(),
    )
    everyone = facts.patients.select("patient_id")
    j = everyone.left_join(agg, "patient_id")
    return j.select(
        patient_id=everyone.patient_id,
        failed_transfers=j.failed_transfers.fill_null(0),
        embryos=j.embryos.fill_null(0),
        embryos_without_chance=j.embryos_without_chance.fill_null(0),
        cumulative_chance=one_minus_product(j.log_sum),
    )


@rule(
    id="RIF-DEF-001",
    name="rif-eshre-2023",
    kind="criterion",
    implements=["eshre-rif-2023/rif-definition"],
    uses=[
        "rif.eshre_cumulative_threshold_fraction",
        "rif.eshre_operator",
        "rif.eshre_min_transfers",
        "table:embryo_implantation",
        "table:embryo_status_mapping",
    ],
    because={
        MET: "Cumulative predicted chance of implantation {cumulative_chance:.0%} over "
        "{embryos} embryo(s) in {failed_transfers} failed transfer(s), without a positive "
        "hCG; ESHRE 2023 threshold {threshold:.0%}",
        NOT_MET: "Cumulative predicted chance of implantation {cumulative_chance:.0%} over "
        "{embryos} embryo(s) in {failed_transfers} failed transfer(s); below the ESHRE 2023 "
        "threshold of {threshold:.0%}",
        NOT_ASSESSED: "{embryos_without_chance} of {embryos} transferred embryo(s) have no "
        "predicted chance (age at retrieval, stage or PGT-A status unknown); the others give "
        "{cumulative_chance:.0%}",
    },
    next_step={
        MET: "Consider the recurrent implantation failure work-up",
        NOT_ASSESSED: "Record the age at oocyte retrieval (donor age for donor oocytes), the "
        "embryo stage and PGT-A result of every transferred embryo",
    },
)
def rif_eshre(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent implantation failure by the cumulative predicted chance of implantation.

    ## What it decides
    Each embryo transferred in a transfer that ended with a negative hCG after her most
    recent positive hCG gets a predicted implantation chance pᵢ from the
    ``embryo_implantation`` table (clinic overlay first) by the age at oocyte retrieval (the
    donor's age for donor oocytes), stage and PGT-A status. The criterion is met when
    P = 1 − Π(1 − pᵢ) compares to ``rif.eshre_cumulative_threshold_fraction`` by
    ``rif.eshre_operator`` and at least ``rif.eshre_min_transfers`` transfers failed.
    A positive hCG that ended in a loss is not implantation failure (it counts as a pregnancy
    loss) and restarts the count.

    ## Why it matters
    ESHRE 2023 suggests investigating once the expected chance of implantation has been used
    up, rather than after a fixed number of transfers.

    ## Not assessed when
    An embryo's chance is unknown and the known ones stay below the threshold.

    ## Example
    Three failed transfers of single embryos with pᵢ 0.50, 0.40 and 0.25:
    1 − 0.50 × 0.60 × 0.75 = 0.775, met at a 60 % threshold.
    """
    s = facts.derived("failed_transfer_summary")
    threshold = kb.value("rif.eshre_cumulative_threshold_fraction")
    operator = str(kb.thresholds["rif.eshre_operator"].value)
    enough = meets(s.failed_transfers, kb, "rif.eshre_min_transfers")
    reached = compare(s.cumulative_chance, operator, threshold)
    status = tri_state(
        certainly=enough & reached,
        possibly=enough & (reached | (s.embryos_without_chance > 0)),
    )
    return s.mutate(status=status, threshold=ibis.literal(threshold))


DERIVATIONS = {"failed_transfer_summary": Derivation(failed_transfer_summary)}

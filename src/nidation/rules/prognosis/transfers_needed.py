"""How many more transfers would bring the cumulative chance to the RIF threshold."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import ESTIMATED, NOT_ASSESSED
from nidation.engine.vocabulary import age_now
from nidation.knowledge import Knowledge
from nidation.rules.rif.chances import embryo_chance


def _next_embryo_age(facts: Facts) -> ir.Table:
    """The age that will set the next embryo's chance: the donor's age when her most recent
    cycle used donor oocytes, otherwise her own age today."""
    c = facts.cycles
    order = [ibis.desc(c.retrieval_date), ibis.desc(c.seq)]
    latest = c.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=order))
    latest = latest.filter(latest._n == 0).select(
        "patient_id", source=latest.oocyte_source, donor_age=latest.donor_age_years
    )
    p = facts.patients
    own = p.select("patient_id", own_age=age_now(p))
    j = own.left_join(latest, "patient_id")
    donor = (j.source == "donor").fill_null(False)
    return j.select(
        patient_id=own.patient_id,
        age=ibis.ifelse(donor, j.donor_age, j.own_age),
        oocytes=ibis.ifelse(donor, "donor", "own"),
    )


def _needed(current: ir.FloatingValue, p: ir.FloatingValue, threshold: float) -> ir.Value:
    """Smallest n with 1 − (1 − current)(1 − p)ⁿ ≥ threshold."""
    n = ((1 - threshold) / (1 - current)).ln() / (1 - p).ln()
    return ibis.ifelse(current >= threshold, 0, n.ceil().cast("int64"))


@rule(
    id="PRED-RIF-001",
    name="transfers-to-rif-threshold",
    kind="prediction",
    implements=["eshre-rif-2023/rif-definition"],
    uses=[
        "rif.eshre_cumulative_threshold_fraction",
        "rif.eshre_operator",
        "table:embryo_implantation",
    ],
    because={
        ESTIMATED: "Cumulative chance so far {cumulative_chance:.0%}. With {oocytes} oocytes, "
        "{euploid_transfers_needed} more single euploid blastocyst transfer(s) (p = "
        "{p_euploid:.0%} each) or {untested_transfers_needed} untested blastocyst transfer(s) "
        "(p = {p_untested:.0%}) would reach the {threshold:.0%} threshold",
        NOT_ASSESSED: "Needs at least one embryo transfer, the age that sets the next embryo's "
        "chance, and a known chance for every embryo already transferred",
    },
)
def transfers_to_threshold(facts: Facts, kb: Knowledge) -> ir.Table:
    """More single-embryo transfers needed to reach the RIF threshold.

    ## What it decides
    From the cumulative chance of her failed transfers so far (as in RIF-DEF-001), the
    number of further single blastocyst transfers — euploid, or untested — that would
    take the cumulative predicted chance to
    ``rif.eshre_cumulative_threshold_fraction``; 0 when it is already reached.

    ## Why it matters
    Tells the couple how far they are from the point where ESHRE suggests investigating.

    ## Not assessed when
    She has had no embryo transfer; the age setting the next embryo's chance (hers today,
    or the donor's when her latest cycle used donor oocytes) is unknown or outside the table;
    or an earlier embryo's chance is unknown.

    ## Example
    Two failed untested blastocysts at 0.30 each (51 %), next euploid p 0.58: 1 more.
    """
    threshold = kb.value("rif.eshre_cumulative_threshold_fraction")
    s = facts.derived("failed_transfer_summary")
    a = _next_embryo_age(facts)
    eu = embryo_chance(
        a, facts, age=a.age, stage=ibis.literal("blastocyst"), pgt_a=ibis.literal("euploid")
    ).select("patient_id", p_euploid="p_implant")
    un = embryo_chance(
        a, facts, age=a.age, stage=ibis.literal("blastocyst"), pgt_a=ibis.literal("untested")
    ).select("patient_id", p_untested="p_implant")
    t = facts.transfers
    had = t.group_by("patient_id").aggregate(transfers=t.count())
    j = s.join(a, "patient_id").join(eu, "patient_id").join(un, "patient_id")
    j = j.left_join(had, "patient_id").select(j, transfers=had.transfers.fill_null(0))
    ok = (
        (j.transfers > 0)
        & (j.embryos_without_chance == 0)
        & j.p_euploid.notnull()
        & j.p_untested.notnull()
    )
    return j.select(
        "patient_id",
        "cumulative_chance",
        "p_euploid",
        "p_untested",
        "oocytes",
        euploid_transfers_needed=_needed(j.cumulative_chance, j.p_euploid, threshold),
        untested_transfers_needed=_needed(j.cumulative_chance, j.p_untested, threshold),
        threshold=ibis.literal(threshold),
        status=ibis.ifelse(ok, ESTIMATED, NOT_ASSESSED),
    )

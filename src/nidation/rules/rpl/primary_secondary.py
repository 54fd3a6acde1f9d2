"""Primary or secondary recurrent pregnancy loss."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_MET
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge


@rule(
    id="RPL-DEF-005",
    name="rpl-secondary",
    kind="criterion",
    implements=["eshre-rpl-2022/primary-secondary-rpl"],
    uses=["rpl.eshre_min_losses", "pregnancy.viability_weeks"],
    because={
        MET: "Secondary RPL: {births_before_losses} pregnancy(ies) went beyond "
        "{kb[pregnancy.viability_weeks]} weeks before the losses",
        NOT_MET: "{rpl_type}",
    },
)
def rpl_secondary(facts: Facts, kb: Knowledge) -> ir.Table:
    """Secondary recurrent pregnancy loss: RPL after a pregnancy that went beyond viability.

    ## What it decides
    Among patients who meet the ESHRE definition (``rpl.eshre_min_losses``), whether a
    pregnancy ended beyond ``pregnancy.viability_weeks`` (a live birth or stillbirth) before
    her most recent counted loss. Met means secondary RPL; not met with RPL means primary RPL.
    Order is by end date, or by the order of the records when a date is missing.

    ## Why it matters
    Prognosis, uterine-anomaly prevalence and some (research) tests differ between primary
    and secondary RPL.

    ## Not assessed when
    Never: without RPL the rule is not met and says so.

    ## Example
    A term birth, then three miscarriages: secondary RPL.
    """
    e = facts.derived("pregnancy_events")
    losses = (
        e.filter(e.counts_eshre)
        .group_by("patient_id")
        .aggregate(last_loss_date=e.end_date.max(), last_loss_seq=e.seq.max())
    )
    births = e.filter(e.beyond_viability)
    pairs = births.join(losses, "patient_id")
    earlier = ibis.ifelse(
        pairs.end_date.notnull() & pairs.last_loss_date.notnull(),
        pairs.end_date < pairs.last_loss_date,
        pairs.seq < pairs.last_loss_seq,
    )
    before = pairs.group_by("patient_id").aggregate(births_before_losses=count_if(earlier))
    c = facts.derived("loss_counts")
    joined = c.left_join(before, "patient_id")
    n_before = joined.births_before_losses.fill_null(0)
    has_rpl = joined.eshre_losses >= kb.value("rpl.eshre_min_losses")
    secondary = has_rpl & (n_before > 0)
    rpl_type = ibis.cases(
        (secondary, "secondary"),
        (has_rpl, "Primary RPL: no pregnancy went beyond viability before the losses"),
        else_="No recurrent pregnancy loss (ESHRE), so neither primary nor secondary",
    )
    return joined.select(
        patient_id=c.patient_id,
        births_before_losses=n_before,
        rpl_type=rpl_type,
        status=ibis.ifelse(secondary, MET, NOT_MET),
    )

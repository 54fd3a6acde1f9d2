"""The graded model of miscarriage care (Coomarasamy et al., Lancet 2021): what is offered after
the first, second and third loss (CARE-TIER-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_MET
from nidation.engine.vocabulary import in_band
from nidation.knowledge import Knowledge


@rule(
    id="CARE-TIER-001",
    name="graded-care-tier-by-losses",
    kind="criterion",
    implements=["lancet-2021-coomarasamy/graded-model-of-care"],
    uses=["table:graded_care_tiers"],
    because={
        MET: "{eshre_losses} pregnancy loss(es): tier {tier} of the graded model of care, "
        "{setting} (Coomarasamy, Lancet 2021){second_trimester_note}",
        NOT_MET: "No pregnancy loss recorded: no tier of the graded model of miscarriage care",
    },
    next_step={MET: "Offer {offer}"},
)
def graded_care_tier_by_losses(facts: Facts, kb: Knowledge) -> ir.Table:
    """The tier of the graded model of miscarriage care her number of losses calls for.

    ## What it decides
    Met, with her tier, when she has had at least one pregnancy loss (counted as ESHRE counts
    them): the row of ``table:graded_care_tiers`` whose loss band holds her count gives the
    setting and what is offered — information and support after one loss, a nurse- or
    midwife-led clinic with a full blood count and thyroid tests after two, a consultant-led
    clinic with the full investigation after three or more. Not met without a loss.

    ## Why it matters
    The UK consensus behind the Lancet 2021 series (96% in favour) graded care so that a woman
    with one or two losses is neither dismissed nor over-investigated: each tier adds to the
    one before, and the full RPL work-up belongs to the third. A second-trimester loss is
    investigated in its own right whatever the tier (RCOG; RPL-DEF-004), and the text says so.

    ## Not assessed when
    Never: every recorded pregnancy has an outcome (a loss of unknown week still counts).

    ## Example
    Two miscarriages: tier 2, a nurse- or midwife-led clinic with a full blood count and
    thyroid function tests.
    """
    c = facts.derived("loss_counts").select("patient_id", "eshre_losses", "rcog_second_trimester")
    tiers = facts.kb_table("graded_care_tiers").select(
        "tier", "losses_min", "losses_max", "setting", "offer"
    )
    j = c.cross_join(tiers)
    j = j.filter(in_band(j.eshre_losses.cast("float64"), j.losses_min, j.losses_max))
    hit = j.select("patient_id", "tier", "setting", "offer")
    k = c.left_join(hit, c.patient_id == hit.patient_id)
    return k.select(
        c.patient_id,
        c.eshre_losses,
        tier=k.tier,
        setting=k.setting,
        offer=k.offer,
        status=ibis.ifelse(k.tier.notnull(), MET, NOT_MET),
        second_trimester_note=ibis.ifelse(
            c.rcog_second_trimester > 0,
            "; a second-trimester loss is also investigated in its own right (RPL-DEF-004)",
            "",
        ),
    )

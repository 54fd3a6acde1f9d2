"""The guideline stance on each therapy for each patient, from the indications she has.

``therapy_options`` joins her indications (``therapy_indications``) with the catalogue's
stances (``therapy_stances``): a stance applies when its indication is active, its population
(RPL or RIF) is hers and her loss count lies in its range. Per therapy the most favourable
applicable stance decides (every other one stays listed in ``stances``). A therapy whose
indications are all unknown gets no stance and lists what it waits for (``awaiting``).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.knowledge import Knowledge
from nidation.knowledge.therapy_tables import STANCE_RANK
from nidation.rules.therapy.indications import ACTIVE, UNKNOWN

#: Therapy status of each catalogue stance.
STATUS_OF_STANCE = {
    "recommended": "recommended",
    "conditional": "consider",
    "research_only": "research_only",
    "advised_against": "advised_against",
    "no_recommendation": "not_indicated",
}
STANCE_WORDS = {
    "recommended": "recommended",
    "conditional": "may be considered",
    "research_only": "only within research",
    "advised_against": "advised against",
    "no_recommendation": "no recommendation",
}


def _applicable(facts: Facts, states: tuple[str, ...]) -> ir.Table:
    """Stances whose indication is in one of ``states`` and whose population and loss range
    fit the patient."""
    ti = facts.derived("therapy_indications")
    st = facts.kb_table("therapy_stances")
    pop = (
        ti.filter(ti.indication.isin(("rpl", "rif")))
        .group_by("patient_id")
        .aggregate(
            rpl=((ti.indication == "rpl") & (ti.state == ACTIVE)).any(),
            rif=((ti.indication == "rif") & (ti.state == ACTIVE)).any(),
        )
    )
    j = ti.filter(ti.state.isin(states)).join(st, "indication")
    j = j.join(pop, "patient_id")
    fits = (
        (j.population == "any")
        | ((j.population == "rpl") & j.rpl)
        | ((j.population == "rif") & j.rif)
    )
    low = j.min_losses.isnull() | (j.losses >= j.min_losses)
    high = j.max_losses.isnull() | (j.losses <= j.max_losses)
    return j.filter(fits & low & high)


def _words(t: ir.Table) -> ir.StringValue:
    strength = ibis.coalesce(", " + t.strength, "")
    guideline = ibis.coalesce(t.guideline, "no guideline")
    return (
        t.indication
        + ": "
        + guideline
        + " "
        + t.stance.substitute(STANCE_WORDS, else_=t.stance)
        + strength
    )


def _display(kb: Knowledge, key: ir.StringValue) -> ir.StringValue:
    names = {k: v.display for k, v in sorted(kb.therapies.indications.items())}
    return key.substitute(names, else_=key)


#: A stance at least this favourable waits for its indication to be confirmed.
FAVOURABLE = STANCE_RANK["conditional"]


def therapy_options(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient × therapy with an active or unknown indication: the deciding stance.

    Active indications decide. When none is active and no stance of the unknown ones is
    favourable (recommended or conditional), the pending work-up cannot make the therapy
    favourable, so the best of those stances decides (``pending_only``); otherwise the therapy
    waits for the work-up (``not_assessed``)."""
    a = _applicable(facts, (ACTIVE, UNKNOWN))
    w = ibis.window(group_by=["patient_id", "therapy"])
    known = a.state == ACTIVE
    a = a.mutate(
        known=known,
        said=_words(a),
        any_known=known.any().over(w),
        best_unknown=ibis.ifelse(known, 0, a["rank"]).max().over(w),
    )
    # A therapy whose only possible stance is "no recommendation" for indications not yet
    # assessed says nothing about her: it is left out (a request for it still gets a row).
    a = a.filter(a.any_known | (a.best_unknown > STANCE_RANK["no_recommendation"]))
    deciding = a.known | (~a.any_known & (a.best_unknown < FAVOURABLE))
    d = a.filter(deciding)
    # Most favourable stance first; among equals a graded one, then by name (deterministic).
    order = [ibis.desc(d["rank"]), d.strength.isnull(), d.guideline, d.indication, d.entry]
    d = d.mutate(_n=ibis.row_number().over(group_by=["patient_id", "therapy"], order_by=order))
    # Guidelines disagree when two of them take different stances on the same indication.
    per_indication = d.group_by(["patient_id", "therapy", "indication"]).aggregate(
        _stances=d.stance.nunique(where=d.guideline.notnull())
    )
    disagree = per_indication.group_by(["patient_id", "therapy"]).aggregate(
        guidelines_disagree=(per_indication._stances > 1).any()
    )
    listed = d.group_by(["patient_id", "therapy"]).aggregate(
        stances=d.said.collect().sort().join("; ")
    )
    listed = listed.join(disagree, ["patient_id", "therapy"])
    b = d.filter(d._n == 0)
    best = b.select(
        "patient_id",
        "therapy",
        "stance",
        "strength",
        "recommendation",
        "guideline",
        "qualifier",
        "evidence",
        "basis",
        "losses",
        indication_key=b.indication,
        indication=_display(kb, b.indication),
        pending_only=~b.known,
    )
    best = best.join(listed, ["patient_id", "therapy"])
    u = a.filter(~a.known)
    waiting = u.group_by(["patient_id", "therapy"]).aggregate(
        awaiting=_display(kb, u.indication).collect(distinct=True).sort().join("; ")
    )
    keys = a.select("patient_id", "therapy").distinct()
    out = keys.left_join(best, ["patient_id", "therapy"]).drop("patient_id_right", "therapy_right")
    out = out.left_join(waiting, ["patient_id", "therapy"]).drop(
        "patient_id_right", "therapy_right"
    )
    details = facts.kb_table("therapy_details").select(
        "therapy", "display", "summary", "regimen", "timing"
    )
    out = out.join(details, "therapy")
    return out.mutate(
        status=ibis.coalesce(out.stance.substitute(STATUS_OF_STANCE), ibis.literal("not_assessed"))
    )


DERIVATIONS = {
    "therapy_options": Derivation(therapy_options, view=True),
}

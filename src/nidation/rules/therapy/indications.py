"""Which therapy indications each patient has: active, inactive or unknown.

An indication is a key of ``data/therapies/_indications.toml``. Most are decided by one rule
(its ``decided_by``): a positive status (met, supported) makes the indication *active*, a
negative one (not met, ruled out) *inactive*, anything else leaves it *unknown*. A few are
narrower than any rule and are read from a cause's evidence (the ATA-2017 thyroid cell, thyroid
autoimmunity only while euthyroid, the ESHRE/ESGE class of a uterine anomaly) or from the record
(an ongoing pregnancy with bleeding, levothyroxine already taken). Unknown is never inactive: a
therapy whose indication is unknown is reported as not assessed, not as not indicated.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_MET, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge

ACTIVE, INACTIVE, UNKNOWN = "active", "inactive", "unknown"
OVER_RANGE = ("over_upper_limit", "over_lt4_recommended")
WITHIN_RANGE = ("over_tpo_consider", "not_over_tpo_consider")


def _state(active: ir.BooleanValue, inactive: ir.BooleanValue) -> ir.StringValue:
    return ibis.cases(
        (active.fill_null(False), ACTIVE), (inactive.fill_null(False), INACTIVE), else_=UNKNOWN
    )


#: Rule decisions a derivation already holds (read there instead of compiling the rule again).
DECIDED_IN = {
    "RPL-DEF-001": ("workup_indications", "rpl_status"),
    "RIF-DEF-001": ("workup_indications", "rif_status"),
}


def _by_rule(facts: Facts, kb: Knowledge, rule_id: str) -> ir.Table:
    from nidation.rules import default_rules

    if rule_id in DECIDED_IN:
        name, column = DECIDED_IN[rule_id]
        t = facts.derived(name)
        status = t[column]
    else:
        t = default_rules().get(rule_id).decide(facts, kb)
        status = t.status
    state = _state(status.isin((MET, SUPPORTED)), status.isin((NOT_MET, RULED_OUT)))
    return t.select("patient_id", state=state, basis=ibis.literal(rule_id))


def _thyroid(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    t = facts.derived("cause_thyroid_dysfunction")
    pos, neg = t.tpo_status == "positive", t.tpo_status == "negative"
    over, within = t.tsh_band.isin(OVER_RANGE), t.tsh_band.isin(WITHIN_RANGE)
    known = t.tsh_band.notnull()
    both = known & t.tpo_status.isin(("positive", "negative"))
    overt = t.free_t4_low.fill_null(False)
    rules: dict[str, tuple[ir.BooleanValue, ir.BooleanValue]] = {
        "thyroid_subclinical": (over & ~overt, known & ~(over & ~overt)),
        "thyroid_subclinical_tpo_positive": (pos & over & ~overt, both & ~(pos & over & ~overt)),
        "thyroid_subclinical_tpo_negative": (
            neg & (t.tsh_band == "over_upper_limit") & ~overt,
            both & ~(neg & (t.tsh_band == "over_upper_limit") & ~overt),
        ),
        "thyroid_tsh_above_10_tpo_negative": (
            neg & (t.tsh_band == "over_lt4_recommended"),
            both & ~(neg & (t.tsh_band == "over_lt4_recommended")),
        ),
        "thyroid_autoimmunity_tsh_above_2_5": (
            pos & (t.tsh_band == "over_tpo_consider"),
            both & ~(pos & (t.tsh_band == "over_tpo_consider")),
        ),
        "euthyroid_tpo_negative": (neg & within, both & ~(neg & within)),
        # Euthyroid only: a raised (or low) TSH takes her out of this cell, so the stances on
        # thyroid autoimmunity with normal function do not reach a hypothyroid woman.
        "thyroid_autoimmunity": (
            pos & within & ~overt,
            neg | (pos & t.tsh.notnull() & ~(within.fill_null(False) & ~overt)),
        ),
    }
    active, inactive = rules[indication]
    return t.select(
        "patient_id", state=_state(active, inactive), basis=ibis.literal("THY-CAUSE-001")
    )


def _septate(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    t = facts.derived("cause_uterine_anomaly")
    septate = t.eshre_esge_class.startswith("U2")
    return t.select(
        "patient_id",
        state=_state(
            (t.status == SUPPORTED) & septate,
            (t.status == RULED_OUT) | ((t.status == SUPPORTED) & ~septate),
        ),
        basis=ibis.literal("UTE-CAUSE-001"),
    )


def _pcos(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    t = facts.derived("cause_insulin_resistance_pcos_obesity")
    return t.select(
        "patient_id",
        state=_state(t.pcos_recorded, ibis.literal(False)),
        basis=ibis.literal("MET-CAUSE-002"),
    )


def _ongoing(facts: Facts) -> ir.Table:
    p = facts.pregnancies
    return p.group_by("patient_id").aggregate(
        ongoing=(p.outcome == "ongoing").any(),
        bleeding=((p.outcome == "ongoing") & p.bleeding_in_early_pregnancy).any(),
        bleeding_known=((p.outcome == "ongoing") & p.bleeding_in_early_pregnancy.notnull()).any(),
    )


def _early_bleeding(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    pt = facts.patients.select("patient_id")
    o = _ongoing(facts)
    j = pt.left_join(o, pt.patient_id == o.patient_id).select(pt.patient_id, *o.columns[1:])
    not_pregnant = j.ongoing.isnull() | ~j.ongoing
    return j.select(
        "patient_id",
        state=_state(j.bleeding, not_pregnant | (j.bleeding_known & ~j.bleeding)),
        basis=ibis.literal("pregnancies: ongoing pregnancy with early bleeding"),
    )


def _on_levothyroxine(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    pt = facts.patients.select("patient_id")
    c = facts.conditions
    hypo = c.filter((c.code == "hypothyroidism") & (c.status == "active")).select("patient_id")
    m = facts.medications
    # Only a medication recorded as current counts: an unknown "current" is not a yes.
    lt4 = m.filter((m.code == "levothyroxine") & m.current.fill_null(False)).select("patient_id")
    o = _ongoing(facts).filter(lambda t: t.ongoing).select("patient_id")
    both = hypo.intersect(lt4).intersect(o)
    flag = pt.patient_id.isin(both.patient_id)
    return pt.select(
        "patient_id",
        state=_state(flag, ibis.literal(False)),
        basis=ibis.literal("conditions + medications: hypothyroidism on levothyroxine, pregnant"),
    )


def _never(facts: Facts, kb: Knowledge, indication: str) -> ir.Table:
    return facts.patients.select(
        "patient_id", state=ibis.literal(UNKNOWN), basis=ibis.literal("no rule decides it yet")
    )


#: Indications narrower than any one rule's status, each read by its own function.
SPECIAL: dict[str, Callable[[Facts, Knowledge, str], ir.Table]] = {
    "thyroid_subclinical": _thyroid,
    "thyroid_subclinical_tpo_positive": _thyroid,
    "thyroid_subclinical_tpo_negative": _thyroid,
    "thyroid_tsh_above_10_tpo_negative": _thyroid,
    "thyroid_autoimmunity_tsh_above_2_5": _thyroid,
    "euthyroid_tpo_negative": _thyroid,
    "thyroid_autoimmunity": _thyroid,
    "septate_uterus": _septate,
    "pcos": _pcos,
    "early_pregnancy_bleeding_with_prior_miscarriage": _early_bleeding,
    "hypothyroidism_on_levothyroxine": _on_levothyroxine,
}


def therapy_indications(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every patient × indication key: ``state`` (active | inactive | unknown), the rule or
    record it was read from (``basis``), and her ESHRE loss count (for loss-count stances)."""
    parts = []
    for key, meta in sorted(kb.therapies.indications.items()):
        if key in SPECIAL:
            part = SPECIAL[key](facts, kb, key)
        elif meta.decided_by:
            part = _by_rule(facts, kb, meta.decided_by[0])
        else:
            part = _never(facts, kb, key)
        parts.append(
            part.select(
                patient_id=part.patient_id.cast("string"),
                indication=ibis.literal(key),
                state=part.state,
                basis=part.basis,
            )
        )
    every = ibis.union(*parts, distinct=False)
    w = facts.derived("workup_indications").select("patient_id", "eshre_losses")
    j = every.left_join(w, every.patient_id == w.patient_id)
    return j.select(
        every.patient_id,
        every.indication,
        every.state,
        every.basis,
        losses=w.eshre_losses.fill_null(0).cast("int64"),
    )


DERIVATIONS = {
    "therapy_indications": Derivation(therapy_indications),
}

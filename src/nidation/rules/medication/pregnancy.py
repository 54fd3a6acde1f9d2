"""Each current medication against the sourced pregnancy advice (MED-PREG-001).

The advice is knowledge (``tables/medication_pregnancy``): per medication key of the
``medications`` value set, whether it is continued, stopped, washed out, switched before
conception, or switched by a gestational week, with the alternative, the reason and the source.
Medications are matched by their key (the case's coded identity), never by free text.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge
from nidation.rules.therapy.safety import number_text

FLAGGED, NOT_FLAGGED, NOT_ASSESSED = "flagged", "not_flagged", "not_assessed"
CONTINUE = "continue"
#: The action codes of ``medication_pregnancy`` in words (presentation only).
ACTION_WORDS = {
    CONTINUE: "continue",
    "stop_before_conception": "stop before conception",
    "washout_before_conception": "stop and complete a washout before conception",
    "switch_before_conception": "switch before conception",
    "review_before_conception": "review before conception",
}
SWITCHES = ("switch_before_conception", "switch_by_week")


def _displays(kb: Knowledge) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in kb.valuesets["medications"].entries:
        names.setdefault(entry.key, entry.display)
    return dict(sorted(names.items()))


def _advice(t: ir.Table) -> ir.StringValue:
    """The action in words, with the week limit and the alternative."""
    by_week = (
        "switch by "
        + number_text(t.by_week)
        + " weeks of gestation at the latest (as soon as pregnancy is confirmed)"
    )
    words = ibis.ifelse(
        t.action == "switch_by_week", by_week, t.action.substitute(ACTION_WORDS, else_=t.action)
    )
    alternative = ibis.ifelse(
        t.action.isin(SWITCHES),
        ibis.coalesce(" to " + t.alternative, ""),
        ibis.coalesce(" (alternative: " + t.alternative + ")", ""),
    )
    return words + alternative


def _medication_rows(facts: Facts, kb: Knowledge, pregnant: ir.Table) -> ir.Table:
    m = facts.medications
    current = m.filter(m.current.fill_null(True))
    meds = current.group_by(["patient_id", "code"]).aggregate(
        dose=current.dose.collect(where=current.dose.notnull(), distinct=True).sort().join("; "),
    )
    t = facts.kb_table("medication_pregnancy")
    j = meds.left_join(t, meds.code == t.medication)
    j = j.select(
        meds.patient_id,
        meds.code,
        meds.dose,
        t.action,
        t.by_week,
        t.alternative,
        t.reason,
        t.source,
        t.locator,
        t.verified,
    )
    j = j.left_join(pregnant, "patient_id").drop("patient_id_right")
    display = j.code.substitute(_displays(kb), else_=j.code)
    known = j.action.notnull()
    keep = j.action == CONTINUE
    pregnant_now = j.pregnant_now.fill_null(False)
    advice = _advice(j)
    now = ibis.ifelse(pregnant_now & ~keep, "she is pregnant now — ", "")
    status = ibis.cases((~known, NOT_ASSESSED), (keep, NOT_FLAGGED), else_=FLAGGED)
    line = ibis.cases(
        (
            ~known,
            display + ": no sourced advice on its use before or in pregnancy in the knowledge base "
            "(unknown, not safe)",
        ),
        else_=display + ": " + now + advice + " — " + j.reason + " [" + j.source + "]",
    )
    next_line = ibis.cases(
        (~known, "Check " + display + " against its label before she conceives"),
        (keep, "Continue; review the dose when she conceives"),
        else_="Plan the change with her prescriber before she conceives",
    )
    return j.select(
        patient_id=j.patient_id.cast("string"),
        item=j.code.cast("string"),
        status=status,
        display=display,
        line=line,
        next_line=next_line,
        action=j.action,
        advice=ibis.ifelse(known, now + advice, ibis.null("string")),
        by_week=j.by_week,
        alternative=j.alternative,
        dose=j.dose.nullif(""),
        pregnant_now=pregnant_now,
        source=j.source,
        locator=j.locator,
        verified=j.verified,
    )


def _patient_rows(facts: Facts, listed: ir.Table, current: ir.Table) -> ir.Table:
    """One row per patient with no current medication: none current (the record lists only past
    ones) or none recorded at all."""
    pt = facts.patients.select("patient_id")
    pt = pt.filter(~pt.patient_id.isin(current.patient_id))
    j = pt.left_join(listed, "patient_id").drop("patient_id_right")
    recorded = j.n_listed.fill_null(0) > 0
    return j.select(
        patient_id=j.patient_id.cast("string"),
        item=ibis.null("string"),
        status=ibis.ifelse(recorded, NOT_FLAGGED, NOT_ASSESSED),
        display=ibis.null("string"),
        line=ibis.ifelse(
            recorded,
            "None of her recorded medications is current: nothing to stop or switch before "
            "pregnancy",
            "Her current medications are not recorded: none could be checked for advice "
            "before pregnancy",
        ),
        next_line=ibis.ifelse(
            recorded,
            "Nothing to change",
            "Record her current medications (or that she takes none) before she conceives",
        ),
        action=ibis.null("string"),
        advice=ibis.null("string"),
        by_week=ibis.null("float64"),
        alternative=ibis.null("string"),
        dose=ibis.null("string"),
        pregnant_now=ibis.null("boolean"),
        source=ibis.null("string"),
        locator=ibis.null("string"),
        verified=ibis.null("boolean"),
    )


@rule(
    id="MED-PREG-001",
    name="current-medication-unsafe-in-pregnancy",
    kind="surveillance",
    implements=[
        "rcog-gtg37a-2015/warfarin-switch-before-6-weeks",
        "eular-aps-2019/anticoagulation-in-pregnancy",
        "eular-pregnancy-drugs-2016/stop-or-continue-before-pregnancy",
        "nidation-defaults/medications-before-pregnancy",
    ],
    uses=["table:medication_pregnancy"],
    because=dict.fromkeys((FLAGGED, NOT_FLAGGED, NOT_ASSESSED), "{line}"),
    next_step={FLAGGED: "{next_line}", NOT_ASSESSED: "{next_line}"},
)
def current_medication_unsafe_in_pregnancy(facts: Facts, kb: Knowledge) -> ir.Table:
    """Each current medication: stop or switch before conception (or by a gestational week),
    or continue.

    ## What it decides
    One row per current medication (``item`` = its key in the ``medications`` value set),
    read against ``table:medication_pregnancy``: ``flagged`` when the table says to stop it,
    wash it out, switch it before conception, switch it by a gestational week (warfarin and
    other vitamin-K antagonists: to low-molecular-weight heparin by 6 weeks), or review it;
    ``not_flagged`` when it is generally continued (hydroxychloroquine, low-dose aspirin,
    heparins, prednisolone, levothyroxine, azathioprine…); ``not_assessed`` when the table has
    no row for it. Medications recorded as not current are not read. A patient with no
    current medication gets one row without an item: ``not_flagged`` when her record lists
    only past medications, ``not_assessed`` when it lists none. An ongoing pregnancy makes the
    advice read "she is pregnant now".

    ## Why it matters
    Several drugs women with recurrent loss or APS take are teratogenic or fetotoxic
    (warfarin embryopathy at about 6–12 weeks, methotrexate, mycophenolate, valproate,
    isotretinoin, ACE inhibitors); planning a pregnancy without changing them harms the baby,
    and stopping a drug that should be continued (hydroxychloroquine, heparin) harms her.

    ## Not assessed when
    The knowledge base has no sourced advice for a current medication (it is checked against
    its label, never taken as safe), or her medications are not recorded at all.

    ## Example
    Warfarin current in a woman planning pregnancy: flagged, "switch by 6 weeks of gestation at
    the latest (as soon as pregnancy is confirmed) to low-molecular-weight heparin". Current
    hydroxychloroquine: not flagged (continue). Current metformin: not assessed (no sourced
    advice in the table).
    """
    p = facts.pregnancies
    pregnant = p.group_by("patient_id").aggregate(pregnant_now=count_if(p.outcome == "ongoing") > 0)
    m = facts.medications
    listed = m.group_by("patient_id").aggregate(n_listed=m.count())
    current = m.filter(m.current.fill_null(True))
    rows = _medication_rows(facts, kb, pregnant)
    return rows.union(_patient_rows(facts, listed, current))

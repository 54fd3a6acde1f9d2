"""Antiphospholipid antibodies: each result read against the Sydney 2006 and ACR/EULAR 2023
cut-offs, each antibody's persistence, and the Sydney laboratory criterion (APS-LAB-001).

Readings, per result (all cut-offs are knowledge values):

* lupus anticoagulant — the laboratory's own reading (positive / negative), else the
  normalised ratio above the laboratory's cut-off (``reference_high``); indeterminate is
  unknown;
* anticardiolipin IgG/IgM — Sydney: above ``aps.sydney_acl_min_units`` GPL/MPL (a low-titre
  result, even one the laboratory calls positive, does not count); a qualitative result
  without a titre is unknown unless negative;
* anti-β2-glycoprotein I IgG/IgM — Sydney: above the 99th percentile, taken as the
  laboratory's reading or its cut-off (``reference_high``);
* ACR/EULAR 2023 levels for the solid-phase assays: moderate from
  ``aps.acr_eular_moderate_min_units``, high from ``aps.acr_eular_high_min_units`` units.

An antibody is *persistent* at a level when two results at that level are at least
``aps.persistence_min_days`` apart.

A result taken while she may have been on a medication that interferes with the test
(``table:medication_lab_interference``: vitamin-K antagonists and direct oral anticoagulants for
lupus anticoagulant, ISTH SSC) is *not assessable*: it reads neither positive nor negative,
and the reason travels with it (``interference``) up to APS-LAB-001's evidence.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import compare, count_if
from nidation.knowledge import Knowledge

LA = "lupus_anticoagulant"
SOLID_PHASE = ("acl_igg", "acl_igm", "ab2gpi_igg", "ab2gpi_igm")
ANTIBODIES = (LA, *SOLID_PHASE)
SHOWN = {
    LA: "lupus anticoagulant",
    "acl_igg": "aCL IgG",
    "acl_igm": "aCL IgM",
    "ab2gpi_igg": "anti-β2GPI IgG",
    "ab2gpi_igm": "anti-β2GPI IgM",
}
PERSISTENT, PENDING, NEGATIVE, UNCLEAR = "persistent", "pending", "negative", "unclear"


def _null_bool() -> ir.BooleanValue:
    return ibis.null("boolean")


def joined_names(flags: dict[str, ir.BooleanValue]) -> ir.StringValue:
    """The display names whose flag is true, comma-separated in a fixed order (null if none)."""
    text = ibis.literal("")
    for name, flag in flags.items():
        text = text + ibis.ifelse(flag.fill_null(False), f"{name}, ", "")
    return text.re_replace(", $", "").nullif("")


def days_between(start: ir.DateValue, end: ir.DateValue) -> ir.IntegerValue:
    """Whole days from ``start`` to ``end``."""
    return end.delta(start, unit="day")


def interfering_medications(facts: Facts, results: ir.Table) -> ir.Table:
    """Per result (``patient_id``, ``seq``) that a medication may have disturbed: the reason in
    words. A medication counts unless its recorded dates exclude the result's date (started
    after it, or ended before it): unknown dates never clear a result."""
    i = facts.kb_table("medication_lab_interference")
    m = facts.medications
    mi = m.join(i, m.code == i.medication).select(
        m.patient_id, m.code, m.start_date, m.end_date, m.current, i.test, i.effect, i.advice
    )
    j = results.join(mi, [results.patient_id == mi.patient_id, results.test == mi.test])
    started_after = (j.start_date > j.date).fill_null(False)
    ended_before = (j.end_date < j.date).fill_null(False)
    j = j.filter(~started_after & ~ended_before)
    on_it = (j.start_date <= j.date).fill_null(False) & (
        (j.end_date >= j.date).fill_null(False) | (j.end_date.isnull() & j.current.fill_null(True))
    )
    drug = j.code + ibis.ifelse(on_it, "", " (possibly: its dates do not exclude it)")
    j = j.select(
        patient_id=results.patient_id,
        seq=results.seq,
        _drug=drug,
        _effect=j.effect + "; " + j.advice,
    )
    return j.group_by(["patient_id", "seq"]).aggregate(
        interference=j._drug.collect(distinct=True).sort().join(", "),
        interference_effect=j._effect.collect(distinct=True).sort().join("; "),
    )


def aps_antibody_results(facts: Facts, kb: Knowledge) -> ir.Table:
    """One row per antiphospholipid antibody result, read against the Sydney 2006 and
    ACR/EULAR 2023 cut-offs (true / false / null when the result cannot tell, or when a
    medication she may have been taking makes it unreliable: ``interference``)."""
    labs = facts.labs
    r = labs.filter(
        labs.test.isin(ANTIBODIES) & (labs.value.notnull() | labs.qualitative.notnull())
    )
    disturbed = interfering_medications(facts, r.select("patient_id", "seq", "test", "date"))
    r = r.left_join(disturbed, ["patient_id", "seq"]).drop("patient_id_right", "seq_right")
    unreliable = r.interference.notnull()
    q, v = r.qualitative, r.value_canonical
    by_reading = ibis.cases((q == "positive", True), (q == "negative", False), else_=_null_bool())
    by_cutoff = ibis.ifelse(
        r.value.notnull() & r.reference_high.notnull(), r.value > r.reference_high, _null_bool()
    )
    laboratory = ibis.ifelse(q.notnull(), by_reading, by_cutoff)
    negative_without_titre = ibis.ifelse(q == "negative", False, _null_bool())

    acl = r.test.isin(("acl_igg", "acl_igm"))
    acl_sydney = ibis.ifelse(
        v.notnull(),
        compare(
            v,
            kb.threshold("aps.sydney_acl_min_units").operator or ">",
            kb.value("aps.sydney_acl_min_units"),
        ),
        negative_without_titre,
    )
    moderate = ibis.ifelse(
        v.notnull(),
        compare(
            v,
            kb.threshold("aps.acr_eular_moderate_min_units").operator or ">=",
            kb.value("aps.acr_eular_moderate_min_units"),
        ),
        negative_without_titre,
    )
    high = ibis.ifelse(
        v.notnull(),
        compare(
            v,
            kb.threshold("aps.acr_eular_high_min_units").operator or ">=",
            kb.value("aps.acr_eular_high_min_units"),
        ),
        negative_without_titre,
    )
    is_la = r.test == LA
    sydney = ibis.cases((is_la, laboratory), (acl, acl_sydney), else_=laboratory)
    return r.select(
        "patient_id",
        "test",
        "date",
        "seq",
        "interference",
        "interference_effect",
        value=v,
        sydney_positive=ibis.ifelse(unreliable, _null_bool(), sydney),
        acr_moderate=ibis.ifelse(
            unreliable, _null_bool(), ibis.ifelse(is_la, laboratory, moderate)
        ),
        acr_high=ibis.ifelse(unreliable, _null_bool(), ibis.ifelse(is_la, False, high)),
    )


def _span_at_least(
    r: ir.Table, flag: ir.BooleanValue, min_days: float
) -> tuple[ir.Value, ir.Value, ir.Value]:
    first = r.date.min(where=flag.fill_null(False))
    last = r.date.max(where=flag.fill_null(False))
    return first, last, days_between(first, last) >= min_days


def aps_antibodies(facts: Facts, kb: Knowledge) -> ir.Table:
    """One row per patient and antibody tested: first and last Sydney-positive dates, the
    gap between them, persistence (Sydney; ACR/EULAR moderate and high), and the state of
    the antibody: persistent, pending (latest positive, not yet persistent), negative
    (latest negative or low) or unclear (latest result cannot be read)."""
    r = facts.derived("aps_antibody_results")
    min_days = kb.value("aps.persistence_min_days")
    ranked = r.mutate(
        _n=ibis.row_number().over(
            group_by=["patient_id", "test"], order_by=[ibis.desc(r.date), ibis.desc(r.seq)]
        )
    )
    latest = ranked.filter(ranked._n == 0).select(
        "patient_id",
        "test",
        latest_positive=ranked.sydney_positive,
        latest_date=ranked.date,
        latest_interference=ranked.interference,
    )
    syd_first, syd_last, syd_persistent = _span_at_least(r, r.sydney_positive, min_days)
    _, _, moderate_persistent = _span_at_least(r, r.acr_moderate, min_days)
    _, _, high_persistent = _span_at_least(r, r.acr_high, min_days)
    agg = r.group_by(["patient_id", "test"]).aggregate(
        results=r.count(),
        first_positive=syd_first,
        last_positive=syd_last,
        gap_days=days_between(syd_first, syd_last),
        persistent=syd_persistent.fill_null(False),
        moderate_persistent=moderate_persistent.fill_null(False),
        high_persistent=high_persistent.fill_null(False),
        ever_acr_positive=count_if(r.acr_moderate) > 0,
        level_unknown=count_if(r.acr_moderate.isnull()) > 0,
        unreliable_results=count_if(r.interference.notnull()),
        _disturbed=(r.date.cast("string") + " on " + r.interference)
        .collect(where=r.interference.notnull(), distinct=True)
        .sort()
        .join(", ")
        .nullif(""),
        _effect=r.interference_effect.collect(where=r.interference.notnull(), distinct=True)
        .sort()
        .join("; "),
    )
    shown = agg.test.substitute(SHOWN, else_=agg.test)
    agg = agg.mutate(interference=shown + " " + agg._disturbed + " — " + agg._effect).drop(
        "_disturbed", "_effect"
    )
    j = agg.join(latest, ["patient_id", "test"])
    state = ibis.cases(
        (j.persistent, PERSISTENT),
        (j.latest_positive.fill_null(False), PENDING),
        (~j.latest_positive.fill_null(True), NEGATIVE),
        else_=UNCLEAR,
    )
    return j.select(
        "patient_id",
        "test",
        "results",
        "first_positive",
        "last_positive",
        "gap_days",
        "persistent",
        "moderate_persistent",
        "high_persistent",
        "ever_acr_positive",
        "level_unknown",
        "latest_positive",
        "latest_date",
        "latest_interference",
        "unreliable_results",
        "interference",
        state=state,
    )


def cause_aps_lab(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): the Sydney 2006 laboratory criterion — ``status``
    supported / ruled_out / not_assessed, the antibodies behind it, first and last positive
    dates, the gap, and ``repeat_due_date`` (the earliest date a repeat test can confirm
    persistence; null when no repeat is pending)."""
    a = facts.derived("aps_antibodies")
    min_days = int(kb.value("aps.persistence_min_days"))

    def state_of(test: str) -> ir.StringValue:
        return ibis.ifelse(a.test == test, a.state, ibis.null("string")).max()

    is_persistent = a.state == PERSISTENT
    is_pending = a.state == PENDING
    agg = a.group_by("patient_id").aggregate(
        **{f"_s_{t}": state_of(t) for t in ANTIBODIES},
        first_positive_date=a.first_positive.min(where=is_persistent),
        last_positive_date=a.last_positive.max(where=is_persistent),
        gap_days=a.gap_days.max(where=is_persistent),
        pending_first=a.first_positive.max(where=is_pending),
        pending_last=a.last_positive.max(where=is_pending),
        pending_gap=a.gap_days.max(where=is_pending),
        unreliable=a.interference.collect(where=a.interference.notnull(), distinct=True)
        .sort()
        .join("; ")
        .nullif(""),
    )
    everyone = facts.patients.select("patient_id")
    j = everyone.left_join(agg, "patient_id")
    states = {t: j[f"_s_{t}"] for t in ANTIBODIES}
    persistent = joined_names({SHOWN[t]: s == PERSISTENT for t, s in states.items()})
    pending = joined_names({SHOWN[t]: s == PENDING for t, s in states.items()})
    missing = joined_names({SHOWN[t]: s.isnull() for t, s in states.items()})
    unclear = joined_names({SHOWN[t]: s == UNCLEAR for t, s in states.items()})
    any_persistent = persistent.notnull()
    all_negative = ibis.and_(*[(s == NEGATIVE).fill_null(False) for s in states.values()])
    status = ibis.cases(
        (any_persistent, SUPPORTED),
        (all_negative, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    awaiting = ~any_persistent & pending.notnull()
    due = j.pending_first + ibis.interval(days=min_days)
    first_shown = ibis.ifelse(any_persistent, j.first_positive_date, j.pending_first)
    repeat_due = ibis.ifelse(
        awaiting, ibis.date(due.year(), due.month(), due.day()), ibis.null("date")
    )
    parts = [
        ibis.ifelse(
            awaiting,
            "persistence not shown ("
            + pending.fill_null("")
            + " positive on "
            + first_shown.cast("string")
            + "; repeat due from "
            + repeat_due.cast("string")
            + ")",
            ibis.null("string"),
        ),
        ibis.ifelse(missing.notnull(), "not tested: " + missing.fill_null(""), ibis.null("string")),
        ibis.ifelse(unclear.notnull(), "unclear: " + unclear.fill_null(""), ibis.null("string")),
        ibis.ifelse(
            j.unreliable.notnull(),
            "not assessable on an interfering medication (ISTH SSC): " + j.unreliable.fill_null(""),
            ibis.null("string"),
        ),
    ]
    detail = ibis.literal("")
    for part in parts:
        detail = detail + ibis.ifelse(part.notnull(), part.fill_null("") + "; ", "")
    return j.select(
        patient_id=everyone.patient_id,
        status=status,
        detail=detail.re_replace("; $", ""),
        antibodies=ibis.ifelse(any_persistent, persistent, pending),
        persistent_antibodies=persistent,
        pending_antibodies=pending,
        missing_tests=missing,
        unclear_tests=unclear,
        first_positive_date=first_shown,
        last_positive_date=ibis.ifelse(any_persistent, j.last_positive_date, j.pending_last),
        gap_days=ibis.ifelse(any_persistent, j.gap_days, j.pending_gap),
        repeat_due_date=repeat_due,
        unreliable_results=j.unreliable,
    )


@rule(
    id="APS-LAB-001",
    name="aps-persistent-antibodies",
    kind="cause",
    implements=[
        "sydney-2006/laboratory-criteria",
        "rcog-gtg17-2023/test-antiphospholipid",
        "eshre-rpl-2022/test-anti-b2gpi",
        "isth-ssc-la-anticoagulated-2020/la-unreliable-on-anticoagulants",
    ],
    uses=[
        "aps.persistence_min_days",
        "aps.sydney_acl_min_units",
        "table:medication_lab_interference",
    ],
    because={
        SUPPORTED: "Persistent antiphospholipid antibodies ({antibodies}): positive on "
        "{first_positive_date} and {last_positive_date}, {gap_days} days apart (Sydney 2006 "
        "needs at least {kb[aps.persistence_min_days]} days)",
        RULED_OUT: "Lupus anticoagulant, anticardiolipin IgG/IgM and anti-β2GPI IgG/IgM were "
        "all negative or below the Sydney cut-offs on their latest results",
        NOT_ASSESSED: "Laboratory criterion not settled: {detail}",
    },
    next_step={
        SUPPORTED: "Check the obstetric criteria for APS classification (Sydney 2006, "
        "ACR/EULAR 2023)",
        NOT_ASSESSED: "Repeat a positive test at least {kb[aps.persistence_min_days]} days "
        "after the first positive; complete the missing tests",
    },
)
def aps_persistent_antibodies(facts: Facts, kb: Knowledge) -> ir.Table:
    """Persistent antiphospholipid antibodies: the Sydney 2006 laboratory criterion.

    ## What it decides
    Whether lupus anticoagulant, anticardiolipin IgG or IgM above
    ``aps.sydney_acl_min_units`` GPL/MPL, or anti-β2GPI IgG or IgM above the laboratory's
    99th-percentile cut-off was present on two occasions at least
    ``aps.persistence_min_days`` apart (the same antibody both times). Supported when one
    antibody is persistent; ruled out only when all five (LA, aCL IgG and IgM, anti-β2GPI IgG
    and IgM) were tested and their latest results are negative or low-titre.

    ## Why it matters
    Persistent antibodies are the laboratory half of APS, the one treatable immune cause of
    recurrent pregnancy loss (aspirin and heparin); a single positive is often transient and
    must be repeated before anyone acts on it.

    ## Not assessed when
    A positive result has not (yet) been repeated at least ``aps.persistence_min_days`` later
    (``repeat_due_date`` is the earliest date a repeat can confirm it); one of the five tests
    was never done (``missing_tests``); or a latest result cannot be read (indeterminate LA,
    aCL reported positive without a titre, anti-β2GPI without a reading or cut-off, or a lupus
    anticoagulant taken while she may have been on a vitamin-K antagonist or a direct oral
    anticoagulant — ``table:medication_lab_interference``, ISTH SSC: such a result counts
    neither way and ``unreliable_results`` says why; repeat it off the drug).

    ## Example
    LA positive on 2025-03-10 and again on 2025-06-16 (98 days): supported. aCL IgG 30 GPL
    twice (low titre) with everything else negative: ruled out.
    """
    return facts.derived("cause_aps_lab")


DERIVATIONS = {
    "aps_antibody_results": Derivation(aps_antibody_results),
    "aps_antibodies": Derivation(aps_antibodies),
    "cause_aps_lab": Derivation(cause_aps_lab),
}

"""A history of spontaneous second-trimester loss or preterm birth, and the cervix now.

``preterm_history`` (a derivation, every patient) counts, from the classified pregnancies:

* RCOG GTG 75 events — a second-trimester loss (``second_trimester_loss`` of
  ``pregnancy_events``: a miscarriage from ``pregnancy.first_trimester_max_weeks`` to before
  ``rpl.upper_gestation_weeks``) or a spontaneous preterm live birth (before
  ``obstetric.preterm_birth_max_weeks``);
* NICE NG25 events — a mid-trimester loss from ``obstetric.nice_mid_trimester_loss_min_weeks``
  or a spontaneous preterm live birth up to ``obstetric.nice_preterm_birth_max_weeks``;
* with upper bounds where a miscarriage or live birth has no gestational week (it might be one);
* the ongoing pregnancy's week and its shortest recorded cervical length (and scan week).

A preterm live birth counts as spontaneous unless the record names a complication that makes it
an indicated birth (severe pre-eclampsia, eclampsia, placental insufficiency, fetal growth
restriction): the record does not say how labour began (threshold note of
``obstetric.preterm_birth_max_weeks``). A loss or birth with ``cervical_insufficiency`` is
counted like any other and reported.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET
from nidation.engine.vocabulary import compare, count_if, tri_state
from nidation.knowledge import Knowledge

#: Complications that make a preterm birth an indicated (not spontaneous) one.
INDICATED_BIRTH = (
    "severe_preeclampsia",
    "eclampsia",
    "placental_insufficiency",
    "fetal_growth_restriction",
)
CERVICAL_INSUFFICIENCY = "cervical_insufficiency"


def _cmp(kb: Knowledge, value: ir.NumericValue, key: str) -> ir.BooleanValue:
    threshold = kb.threshold(key)
    assert threshold.operator is not None, key
    return compare(value, threshold.operator, kb.value(key))


def preterm_history(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): GTG 75 and NICE NG25 events, certain and possible, cervical
    insufficiency, and the ongoing pregnancy's week and cervical length."""
    e = facts.derived("pregnancy_events")
    p = facts.pregnancies
    j = e.join(p, [e.patient_id == p.patient_id, e.pregnancy_id == p.id])
    weeks = j.gestational_weeks
    comp = j.complications
    indicated = ibis.or_(*[comp.contains(c) for c in INDICATED_BIRTH]).fill_null(False)
    spontaneous_birth = (j.outcome == "live_birth") & ~indicated
    loss = j.category == "second_trimester_loss"
    loss_week_unknown = j.category == "miscarriage_gestation_unknown"
    preterm = _cmp(kb, weeks, "obstetric.preterm_birth_max_weeks")
    nice_loss = _cmp(kb, weeks, "obstetric.nice_mid_trimester_loss_min_weeks")
    nice_preterm = _cmp(kb, weeks, "obstetric.nice_preterm_birth_max_weeks")
    rcog = loss | (spontaneous_birth & preterm.fill_null(False))
    rcog_possible = loss | loss_week_unknown | (spontaneous_birth & preterm.fill_null(True))
    nice = (loss & nice_loss.fill_null(False)) | (spontaneous_birth & nice_preterm.fill_null(False))
    nice_possible = (
        (loss & nice_loss.fill_null(False))
        | loss_week_unknown
        | (spontaneous_birth & nice_preterm.fill_null(True))
    )
    ongoing = j.outcome == "ongoing"
    scan_in_time = _cmp(kb, j.cervical_length_weeks.cast("float64"), "cervix.scan_before_weeks")
    short = _cmp(kb, j.cervical_length_mm, "cervix.short_max_mm")
    measured = ongoing & j.cervical_length_mm.notnull() & scan_in_time.fill_null(False)
    counts = j.group_by("patient_id").aggregate(
        rcog_events=count_if(rcog),
        rcog_events_possible=count_if(rcog_possible),
        second_trimester_losses=count_if(loss),
        spontaneous_preterm_births=count_if(spontaneous_birth & preterm.fill_null(False)),
        nice_events=count_if(nice),
        nice_events_possible=count_if(nice_possible),
        cervical_insufficiency=count_if(comp.contains(CERVICAL_INSUFFICIENCY) & rcog_possible),
        pregnant=count_if(ongoing) > 0,
        current_weeks=ibis.ifelse(ongoing, weeks, ibis.null("float64")).max(),
        cervix_short=count_if(measured & short.fill_null(False)) > 0,
        cervix_measured=count_if(measured) > 0,
        cervix_mm=ibis.ifelse(measured, j.cervical_length_mm, ibis.null("float64")).min(),
        cervix_weeks=ibis.ifelse(
            measured, j.cervical_length_weeks.cast("float64"), ibis.null("float64")
        ).max(),
    )
    everyone = facts.patients.select("patient_id")
    k = everyone.left_join(counts, everyone.patient_id == counts.patient_id)
    zero = (
        "rcog_events",
        "rcog_events_possible",
        "second_trimester_losses",
        "spontaneous_preterm_births",
        "nice_events",
        "nice_events_possible",
        "cervical_insufficiency",
    )
    false = ("pregnant", "cervix_short", "cervix_measured")
    return k.select(
        everyone.patient_id,
        *[k[c].fill_null(0).name(c) for c in zero],
        *[k[c].fill_null(False).name(c) for c in false],
        current_weeks=k.current_weeks,
        cervix_mm=k.cervix_mm,
        cervix_weeks=k.cervix_weeks,
    )


def _history(kb: Knowledge, events: ir.IntegerValue, possible: ir.IntegerValue) -> ir.StringValue:
    return tri_state(
        certainly=_cmp(kb, events.cast("float64"), "obstetric.history_min_events"),
        possibly=_cmp(kb, possible.cast("float64"), "obstetric.history_min_events"),
    )


def gtg75_history_status(facts: Facts, kb: Knowledge) -> ir.Table:
    """``preterm_history`` with the status of OBS-DEF-001 (``history``)."""
    h = facts.derived("preterm_history")
    return h.mutate(history=_history(kb, h.rcog_events, h.rcog_events_possible))


@rule(
    id="OBS-DEF-001",
    name="second-trimester-loss-or-preterm-birth",
    kind="criterion",
    implements=["rcog-gtg75-2022/cervical-length-surveillance"],
    uses=[
        "obstetric.history_min_events",
        "obstetric.preterm_birth_max_weeks",
        "pregnancy.first_trimester_max_weeks",
        "rpl.upper_gestation_weeks",
    ],
    because={
        MET: "{second_trimester_losses} second-trimester loss(es) and "
        "{spontaneous_preterm_births} spontaneous preterm birth(s) before "
        "{kb[obstetric.preterm_birth_max_weeks]} weeks ({cervical_insufficiency} with cervical "
        "insufficiency recorded)",
        NOT_MET: "No spontaneous second-trimester loss or preterm birth recorded",
        NOT_ASSESSED: "None certain, but {rcog_events_possible} miscarriage(s) or live birth(s) "
        "without a gestational week could be one",
    },
    next_step={
        MET: "Plan cervical-length surveillance for the next (or current) pregnancy",
        NOT_ASSESSED: "Record the gestational week of every miscarriage and birth",
    },
)
def second_trimester_loss_or_preterm_birth(facts: Facts, kb: Knowledge) -> ir.Table:
    """A spontaneous second-trimester loss or preterm birth (RCOG GTG 75's risk history).

    ## What it decides
    Whether she has had at least ``obstetric.history_min_events`` second-trimester loss (from
    ``pregnancy.first_trimester_max_weeks`` to before ``rpl.upper_gestation_weeks``) or
    spontaneous preterm live birth (before ``obstetric.preterm_birth_max_weeks``). A preterm
    birth with severe pre-eclampsia, eclampsia, placental insufficiency or fetal growth
    restriction recorded is taken as indicated and not counted.

    ## Why it matters
    RCOG GTG 75 offers such women serial transvaginal cervical-length scans in the next
    pregnancy (grade B), because a shortening cervix may call for an ultrasound-indicated
    cerclage; a loss at 18 weeks with cervical insufficiency must not pass without that advice.

    ## Not assessed when
    None is certain, but a miscarriage or live birth without a gestational week could be one.

    ## Example
    A miscarriage at 18 weeks with cervical insufficiency: met.
    """
    h = gtg75_history_status(facts, kb)
    return h.select(
        "patient_id",
        "second_trimester_losses",
        "spontaneous_preterm_births",
        "cervical_insufficiency",
        "rcog_events_possible",
        status=h.history,
    )


@rule(
    id="OBS-DEF-002",
    name="three-second-trimester-losses-or-preterm-births",
    kind="criterion",
    implements=["rcog-gtg75-2022/history-indicated-cerclage"],
    uses=["obstetric.history_indicated_cerclage_min_events"],
    because={
        MET: "{rcog_events} second-trimester losses or spontaneous preterm births; GTG 75 "
        "offers a history-indicated cerclage from "
        "{kb[obstetric.history_indicated_cerclage_min_events]}",
        NOT_MET: "{rcog_events} second-trimester loss(es) or spontaneous preterm birth(s); a "
        "history-indicated cerclage needs {kb[obstetric.history_indicated_cerclage_min_events]}",
        NOT_ASSESSED: "{rcog_events} certain, up to {rcog_events_possible} if the miscarriages "
        "and births of unknown week were second-trimester or preterm",
    },
    next_step={NOT_ASSESSED: "Record the gestational week of every miscarriage and birth"},
)
def three_second_trimester_losses_or_preterm_births(facts: Facts, kb: Knowledge) -> ir.Table:
    """Enough second-trimester losses or preterm births for a history-indicated cerclage.

    ## What it decides
    Whether the events counted by OBS-DEF-001 (second-trimester losses and spontaneous
    preterm births) reach ``obstetric.history_indicated_cerclage_min_events``.

    ## Why it matters
    RCOG GTG 75 offers a history-indicated cerclage, in a singleton pregnancy, after three or
    more previous preterm births (grade B); fewer events call for surveillance instead.

    ## Not assessed when
    Miscarriages or births without a gestational week could lift the count to the threshold.

    ## Example
    Second-trimester losses at 17 and 20 weeks and a spontaneous birth at 30 weeks: met.
    """
    h = facts.derived("preterm_history")
    status = tri_state(
        certainly=_cmp(kb, h.rcog_events.cast("float64"), _CERCLAGE),
        possibly=_cmp(kb, h.rcog_events_possible.cast("float64"), _CERCLAGE),
    )
    return h.select("patient_id", "rcog_events", "rcog_events_possible", status=status)


_CERCLAGE = "obstetric.history_indicated_cerclage_min_events"


@rule(
    id="OBS-DEF-003",
    name="mid-trimester-loss-or-preterm-birth-nice",
    kind="criterion",
    implements=["nice-ng25/consider-progesterone-after-preterm-history"],
    uses=[
        "obstetric.history_min_events",
        "obstetric.nice_mid_trimester_loss_min_weeks",
        "obstetric.nice_preterm_birth_max_weeks",
    ],
    because={
        MET: "{nice_events} spontaneous mid-trimester loss(es) from "
        "{kb[obstetric.nice_mid_trimester_loss_min_weeks]} weeks or preterm birth(s) up to "
        "{kb[obstetric.nice_preterm_birth_max_weeks]} weeks (NICE NG25)",
        NOT_MET: "No spontaneous loss from {kb[obstetric.nice_mid_trimester_loss_min_weeks]} "
        "weeks or preterm birth up to {kb[obstetric.nice_preterm_birth_max_weeks]} weeks",
        NOT_ASSESSED: "None certain; {nice_events_possible} miscarriage(s) or birth(s) without "
        "a gestational week could be one",
    },
    next_step={NOT_ASSESSED: "Record the gestational week of every miscarriage and birth"},
)
def mid_trimester_loss_or_preterm_birth_nice(facts: Facts, kb: Knowledge) -> ir.Table:
    """The NICE NG25 history for prophylactic vaginal progesterone.

    ## What it decides
    Whether she has had at least ``obstetric.history_min_events`` spontaneous mid-trimester
    loss from ``obstetric.nice_mid_trimester_loss_min_weeks`` weeks (and before the RPL upper
    limit) or spontaneous preterm live birth up to ``obstetric.nice_preterm_birth_max_weeks``
    weeks. Narrower than OBS-DEF-001: a loss at 12–15 weeks or a birth after 34 weeks does
    not count for NICE.

    ## Why it matters
    NICE NG25 asks clinicians to consider prophylactic vaginal progesterone for these women,
    and to offer a choice of progesterone or cerclage when the cervix is short.

    ## Not assessed when
    A miscarriage or live birth without a gestational week could be one.

    ## Example
    A miscarriage at 18 weeks: met. A miscarriage at 14 weeks only: not met.
    """
    h = facts.derived("preterm_history")
    return h.select(
        "patient_id",
        "nice_events",
        "nice_events_possible",
        status=_history(kb, h.nice_events, h.nice_events_possible),
    )


@rule(
    id="OBS-DEF-004",
    name="short-cervix-after-preterm-history",
    kind="criterion",
    implements=[
        "rcog-gtg75-2022/ultrasound-indicated-cerclage",
        "nice-ng25/progesterone-or-cerclage-short-cervix",
    ],
    uses=["cervix.short_max_mm", "cervix.scan_before_weeks"],
    because={
        MET: "Cervix {cervix_mm} mm at {cervix_weeks} weeks in this pregnancy "
        "({kb[cervix.short_max_mm]} mm or less before {kb[cervix.scan_before_weeks]} weeks), "
        "after a second-trimester loss or preterm birth",
        NOT_MET: "{reason}",
        NOT_ASSESSED: "{reason}",
    },
    next_step={
        MET: "Offer a choice of ultrasound-indicated cerclage or vaginal progesterone",
        NOT_ASSESSED: "{action}",
    },
)
def short_cervix_after_preterm_history(facts: Facts, kb: Knowledge) -> ir.Table:
    """A short cervix in this pregnancy after a second-trimester loss or preterm birth.

    ## What it decides
    Met when OBS-DEF-001 is met and the ongoing pregnancy has a transvaginal cervical length of
    ``cervix.short_max_mm`` or less on a scan before ``cervix.scan_before_weeks`` weeks. Not
    met without that history, or when the cervix measured so far is longer (surveillance
    continues: SURV-CX-001), or when she is past the scan window without a short cervix.

    ## Why it matters
    RCOG GTG 75 offers an ultrasound-indicated cerclage for a short cervix after such a
    history; NICE NG25 offers a choice of vaginal progesterone or cerclage (for its narrower
    history: OBS-DEF-003).

    ## Not assessed when
    The history itself is not assessed; she is not pregnant now (the cervix is judged on scans
    in a pregnancy); or she is pregnant, within the window, and no cervical length is recorded.

    ## Example
    A loss at 18 weeks, now pregnant with a cervix of 22 mm at 17 weeks: met.
    """
    h = gtg75_history_status(facts, kb)
    before = _cmp(kb, h.current_weeks, "cervix.scan_before_weeks")
    history = h.history
    window_passed = h.pregnant & ~before.fill_null(True) & ~h.cervix_short
    status = ibis.cases(
        (history == NOT_MET, NOT_MET),
        (h.cervix_short & (history == MET), MET),
        (h.cervix_short, NOT_ASSESSED),
        (history != MET, NOT_ASSESSED),
        (window_passed, NOT_MET),
        (h.cervix_measured, NOT_MET),
        else_=NOT_ASSESSED,
    )
    reason = ibis.cases(
        (history == NOT_MET, ibis.literal("No second-trimester loss or preterm birth recorded")),
        (history != MET, ibis.literal("Second-trimester loss or preterm birth not settled")),
        (
            window_passed,
            ibis.literal("Past the scan window without a short cervix recorded"),
        ),
        (
            h.cervix_measured,
            "Cervix "
            + h.cervix_mm.cast("string")
            + " mm at "
            + h.cervix_weeks.cast("int64").cast("string")
            + " weeks: not short so far",
        ),
        (h.pregnant, ibis.literal("Pregnant, no cervical length recorded yet")),
        else_=ibis.literal("Not pregnant now: the cervix is judged on scans in a pregnancy"),
    )
    action = ibis.ifelse(
        h.pregnant,
        "Record the transvaginal cervical length and the week of the scan",
        "Decide in the next pregnancy, on serial cervical-length scans",
    )
    return h.select(
        "patient_id",
        "cervix_mm",
        "cervix_weeks",
        "current_weeks",
        status=status,
        reason=reason,
        action=action,
    )


DERIVATIONS = {"preterm_history": Derivation(preterm_history)}

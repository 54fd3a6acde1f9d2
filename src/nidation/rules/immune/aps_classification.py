"""APS classification, obstetric form: Sydney 2006 (APS-CAUSE-001) and ACR/EULAR 2023
(APS-CAUSE-002), decided side by side from the same antibodies and pregnancies.

Both are *classification* criteria: a patient "meets classification criteria", she is never
"diagnosed" here. A recorded venous thromboembolism or arterial thrombosis (any status) is
scored too: the Sydney 2006 vascular criterion, and the ACR/EULAR 2023 macrovascular domains D1
and D2, whose points depend on a VTE or cardiovascular risk profile the record does not hold —
the lower weight is certain, the higher one possible. The microvascular, cardiac-valve and
haematological domains are not scored.
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
from nidation.rules.immune.apl import LA, PENDING, PERSISTENT, UNCLEAR, joined_names

EXPLAINING_POC = ("aneuploid", "triploid", "unbalanced_structural", "other_abnormal")
PRE_ECLAMPSIA = ("severe_preeclampsia", "eclampsia")
PLACENTAL_INSUFFICIENCY = "placental_insufficiency"
VENOUS, ARTERIAL = "vte_history", "arterial_thrombosis_history"
THROMBOSIS_CONDITIONS = (VENOUS, ARTERIAL)
ITEMS = {
    "early": "≥3 consecutive losses <16 weeks",
    "mid": "fetal death 16–33 weeks",
    "either": "severe pre-eclampsia or placental insufficiency <34 weeks",
    "both": "severe pre-eclampsia and placental insufficiency <34 weeks",
}


def _cmp(kb: Knowledge, value: ir.NumericValue, key: str, default: str) -> ir.BooleanValue:
    return compare(value, kb.threshold(key).operator or default, kb.value(key))


def aps_pregnancies(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every pregnancy with what the APS criteria read from it: visualised loss or fetal
    death, explained by an abnormal products-of-conception result, morphology, severe
    pre-eclampsia/eclampsia and placental insufficiency."""
    e = facts.derived("pregnancy_events")
    p = facts.pregnancies
    j = e.join(p, [e.patient_id == p.patient_id, e.pregnancy_id == p.id])
    comp = j.complications
    pec = ibis.or_(*[comp.contains(c) for c in PRE_ECLAMPSIA]).fill_null(False)
    pi = comp.contains(PLACENTAL_INSUFFICIENCY).fill_null(False)
    visualised_death = j.outcome.isin(("miscarriage", "stillbirth")) & (
        j.category != "non_visualised_loss"
    )
    return j.select(
        patient_id=e.patient_id,
        pregnancy_id=e.pregnancy_id,
        seq=e.seq,
        end_date=e.end_date,
        outcome=e.outcome,
        category=e.category,
        weeks=e.gestational_weeks,
        visualised_death=visualised_death,
        non_visualised=e.category == "non_visualised_loss",
        explained=j.poc_genetics.isin(EXPLAINING_POC).fill_null(False),
        morphology_normal=j.fetal_morphology_normal,
        pec=pec,
        pi=pi,
    )


def _runs(t: ir.Table, flag: ir.BooleanValue, name: str) -> ir.Table:
    """Runs of consecutive pregnancies (by their order in the record) where ``flag`` holds:
    per patient and run, its length and the date of its last pregnancy."""
    hit = flag.fill_null(False)
    window = ibis.window(group_by="patient_id", order_by="seq", preceding=None, following=0)
    marked = t.mutate(_hit=hit, _run=ibis.ifelse(hit, 0, 1).sum().over(window), _date=t.end_date)
    marked = marked.filter(marked._hit)
    return marked.group_by(["patient_id", "_run"]).aggregate(
        **{f"{name}_length": marked.count(), f"{name}_date": marked._date.max()}
    )


def _in_window(
    event: ir.DateValue, test: ir.DateValue, min_days: float | None, max_years: float
) -> ir.BooleanValue:
    """The positive test and the clinical event are at least ``min_days`` and at most
    ``max_years`` calendar years apart (the anniversary itself is inside)."""
    first, last = ibis.least(event, test), ibis.greatest(event, test)
    same_day = (last.month() == first.month()) & (last.day() == first.day())
    before_anniversary = (last.month() < first.month()) | (
        (last.month() == first.month()) & (last.day() < first.day())
    )
    completed = (last.year() - first.year() - before_anniversary.cast("int64")).cast("float64")
    # least/greatest skip nulls: an unknown date is never inside the window
    ok = event.notnull() & test.notnull()
    ok = ok & ((completed < max_years) | ((completed == max_years) & same_day))
    if min_days is not None:
        ok = ok & (last.delta(first, unit="day") >= min_days)
    return ok


def _events_in_window(
    events: ir.Table, positives: ir.Table, min_days: float | None, max_years: float
) -> ir.Table:
    """Per event (patient, criterion, date): whether some positive test lies in the window."""
    j = events.left_join(positives, events.patient_id == positives.patient_id)
    ok = _in_window(j.event_date, j.test_date, min_days, max_years)
    return j.group_by([events.patient_id, j.criterion, j.event_date, j.certain]).aggregate(
        window_ok=count_if(ok) > 0
    )


def attach(base: ir.Table, *others: ir.Table) -> ir.Table:
    """``base`` left-joined on ``patient_id`` with each of ``others`` (their other columns)."""
    for other in others:
        j = base.left_join(other, base.patient_id == other.patient_id)
        base = j.select(
            base.patient_id,
            *[base[c] for c in base.columns if c != "patient_id"],
            **{c: other[c] for c in other.columns if c != "patient_id"},
        )
    return base


def _thrombosis(facts: Facts) -> ir.Table:
    c = facts.conditions
    c = c.filter(c.code.isin(THROMBOSIS_CONDITIONS))
    return c.group_by("patient_id").aggregate(
        thrombosis_history=c.count() > 0,
        thrombosis_undated=count_if(c.onset_date.isnull()) > 0,
    )


def thrombosis_events(facts: Facts) -> ir.Table:
    """Every recorded thrombosis (any status): ``venous`` or arterial, dated by its onset."""
    c = facts.conditions
    c = c.filter(c.code.isin(THROMBOSIS_CONDITIONS))
    return c.select("patient_id", event_date=c.onset_date, venous=c.code == VENOUS)


def cause_aps_sydney(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): Sydney 2006 classification, obstetric criteria."""
    t = facts.derived("aps_pregnancies")
    lab = facts.derived("cause_aps_lab")
    fd_weeks = "aps.sydney_fetal_death_min_weeks"
    at_10 = _cmp(kb, t.weeks, fd_weeks, ">=")
    before_10 = _cmp(kb, t.weeks, "pregnancy.early_loss_max_weeks", "<")
    preterm = _cmp(kb, t.weeks, "pregnancy.aps_preterm_birth_max_weeks", "<")
    unexplained = ~t.explained
    morph_ok = t.morphology_normal.fill_null(False)
    morph_maybe = t.morphology_normal.fill_null(True)

    # (a) unexplained death of a morphologically normal fetus at or after 10 weeks
    a_certain = t.visualised_death & at_10.fill_null(False) & morph_ok & unexplained
    a_possible = t.visualised_death & at_10.fill_null(True) & morph_maybe & unexplained
    # (b) premature birth before 34 weeks for severe pre-eclampsia/eclampsia or placental
    # insufficiency, morphologically normal neonate
    b_base = (t.outcome == "live_birth") & (t.pec | t.pi)
    b_certain = b_base & preterm.fill_null(False) & morph_ok
    b_possible = b_base & preterm.fill_null(True) & morph_maybe
    # (c) three or more unexplained consecutive spontaneous losses before 10 weeks
    miscarriage = (t.outcome == "miscarriage") & ~t.non_visualised
    early_certain = miscarriage & before_10.fill_null(False) & unexplained
    early_possible = (miscarriage & before_10.fill_null(True) & unexplained) | t.non_visualised
    min_run = kb.value("aps.sydney_min_consecutive_early_losses")
    runs_c = _runs(t, early_certain, "c")
    runs_p = _runs(t, early_possible, "p")

    single = t.filter(a_possible | b_possible).select(
        "patient_id",
        criterion=ibis.ifelse(a_possible, "a", "b"),
        event_date=t.end_date,
        certain=(a_certain | b_certain),
    )
    run_events = runs_c.filter(runs_c.c_length >= min_run).select(
        "patient_id", criterion=ibis.literal("c"), event_date=runs_c.c_date, certain=True
    )
    run_possible = runs_p.filter(runs_p.p_length >= min_run).select(
        "patient_id", criterion=ibis.literal("c?"), event_date=runs_p.p_date, certain=False
    )
    th = thrombosis_events(facts)
    vascular = th.select(
        patient_id=th.patient_id.cast(single.schema()["patient_id"]),
        criterion=ibis.literal("v"),
        event_date=th.event_date,
        certain=ibis.literal(True),
    )
    events = ibis.union(single, run_events, run_possible, vascular, distinct=False)

    a = facts.derived("aps_antibodies")
    r = facts.derived("aps_antibody_results")
    persistent = a.filter(a.state == PERSISTENT).select("patient_id", "test")
    pos = r.filter(r.sydney_positive.fill_null(False))
    pos = pos.join(persistent, ["patient_id", "test"]).select("patient_id", test_date=pos.date)
    windowed = _events_in_window(
        events,
        pos,
        kb.value("aps.sydney_min_weeks_test_to_event") * 7,
        kb.value("aps.sydney_max_years_test_to_event"),
    )
    per = windowed.group_by("patient_id").aggregate(
        met_in_window=count_if(windowed.certain & windowed.window_ok) > 0,
        met=count_if(windowed.certain) > 0,
        possible=windowed.count() > 0,
    )
    crit = windowed.group_by("patient_id").aggregate(
        _a=count_if((windowed.criterion == "a") & windowed.certain) > 0,
        _b=count_if((windowed.criterion == "b") & windowed.certain) > 0,
        _c=count_if(windowed.criterion == "c") > 0,
        _v=count_if(windowed.criterion == "v") > 0,
    )
    counts = t.group_by("patient_id").aggregate(
        fetal_deaths_10w=count_if(a_certain),
        fetal_deaths_morphology_unknown=count_if(
            t.visualised_death & at_10.fill_null(False) & t.morphology_normal.isnull() & unexplained
        ),
        preterm_births_pec_pi=count_if(b_certain),
    )
    longest = runs_c.group_by("patient_id").aggregate(early_loss_run=runs_c.c_length.max())

    j = attach(
        facts.patients.select("patient_id"),
        lab.select(
            "patient_id", lab_status=lab.status, first_positive_date=lab.first_positive_date
        ),
        per,
        crit,
        counts,
        longest,
        _thrombosis(facts),
    )

    met_in_window = j.met_in_window.fill_null(False)
    met = j.met.fill_null(False)
    possible = j.possible.fill_null(False)
    thrombosis = j.thrombosis_history.fill_null(False)
    status = ibis.cases(
        (j.lab_status == RULED_OUT, RULED_OUT),
        ((j.lab_status == SUPPORTED) & met_in_window, SUPPORTED),
        (~possible & ~thrombosis, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    criteria = joined_names(
        {
            "(a) fetal death ≥10 weeks": j._a,
            "(b) preterm birth <34 weeks for pre-eclampsia or placental insufficiency": j._b,
            "(c) consecutive early losses": j._c,
            "vascular thrombosis": j._v,
        }
    )
    obstetric_summary = (
        "obstetric criteria: "
        + j.fetal_deaths_10w.fill_null(0).cast("string")
        + " fetal death(s) ≥10 weeks, "
        + j.preterm_births_pec_pi.fill_null(0).cast("string")
        + " preterm birth(s) <34 weeks for pre-eclampsia or placental insufficiency, longest "
        "run of early losses " + j.early_loss_run.fill_null(0).cast("string")
    )
    reasons = {
        "laboratory criterion not settled (APS-LAB-001)": j.lab_status.fill_null("")
        == NOT_ASSESSED,
        "no positive test within the 12-week to 5-year window of the event": met & ~met_in_window,
        "an obstetric criterion depends on unknown data (gestational week, date, "
        "morphology, or a never-visualised loss)": possible & ~met,
        "a recorded thrombosis has no onset date (its window cannot be checked)": (
            j.thrombosis_undated.fill_null(False) & ~met_in_window
        ),
    }
    open_detail = ibis.literal("")
    for text, flag in reasons.items():
        open_detail = open_detail + ibis.ifelse(flag.fill_null(False), text + "; ", "")
    detail = ibis.cases(
        (
            status == RULED_OUT,
            ibis.ifelse(
                j.lab_status == RULED_OUT,
                "antiphospholipid antibodies negative (laboratory criterion ruled out)",
                "no obstetric criterion possible; " + obstetric_summary,
            ),
        ),
        (status == NOT_ASSESSED, open_detail.re_replace("; $", "")),
        else_=obstetric_summary,
    )
    return j.select(
        "patient_id",
        status=status,
        detail=detail,
        lab_status=j.lab_status,
        clinical_criteria=criteria,
        clinical_criterion_met=met,
        window_ok=ibis.ifelse(met, met_in_window, ibis.null("boolean")),
        fetal_deaths_10w=j.fetal_deaths_10w.fill_null(0),
        fetal_deaths_morphology_unknown=j.fetal_deaths_morphology_unknown.fill_null(0),
        preterm_births_pec_pi=j.preterm_births_pec_pi.fill_null(0),
        early_loss_run=j.early_loss_run.fill_null(0),
        thrombosis_history=thrombosis,
        first_positive_date=j.first_positive_date,
    )


def _weight(kb: Knowledge, domain: str, item: str) -> int:
    row = kb.tables["acr_eular_aps_weights"].lookup(domain=domain, item=item)
    if row is None:
        raise KeyError(f"acr_eular_aps_weights has no row {domain}/{item}")
    return int(row["points"])  # type: ignore[arg-type]


def cause_aps_acr_eular(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): ACR/EULAR 2023 points in the obstetric domain (D4) and
    the laboratory domains (D7, D8), the entry criterion, and the classification."""
    t = facts.derived("aps_pregnancies")
    w = {
        "early": _weight(kb, "D4", "three_consecutive_early_losses_or_early_fetal_deaths"),
        "mid": _weight(kb, "D4", "fetal_death_16_to_33_weeks_without_pec_or_pi"),
        "either": _weight(kb, "D4", "severe_pec_or_pi_before_34_weeks"),
        "both": _weight(kb, "D4", "severe_pec_and_pi_before_34_weeks"),
        "la_once": _weight(kb, "D7", "lupus_anticoagulant_positive_once"),
        "la_persistent": _weight(kb, "D7", "lupus_anticoagulant_persistent"),
        "igm": _weight(kb, "D8", "moderate_or_high_igm_only"),
        "igg_moderate": _weight(kb, "D8", "moderate_igg"),
        "igg_high": _weight(kb, "D8", "high_igg_acl_or_ab2gpi"),
        "igg_high_both": _weight(kb, "D8", "high_igg_acl_and_ab2gpi"),
        "vte_certain": _weight(kb, "D1", "vte_with_high_risk_profile"),
        "vte_possible": _weight(kb, "D1", "vte_without_high_risk_profile"),
        "arterial_certain": _weight(kb, "D2", "arterial_thrombosis_with_high_cvd_risk"),
        "arterial_possible": _weight(kb, "D2", "arterial_thrombosis_without_high_cvd_risk"),
    }
    before_16 = _cmp(kb, t.weeks, "pregnancy.early_fetal_death_max_weeks", "<")
    before_34 = _cmp(kb, t.weeks, "pregnancy.mid_fetal_death_max_weeks", "<")
    pec_pi_window = _cmp(kb, t.weeks, "aps.acr_eular_pec_pi_max_weeks", "<")
    counted = ~t.explained & t.morphology_normal.fill_null(True)
    miscarriage = (t.outcome == "miscarriage") & ~t.non_visualised
    early_certain = miscarriage & before_16.fill_null(False) & counted
    early_possible = (miscarriage & before_16.fill_null(True) & counted) | t.non_visualised
    mid = t.visualised_death & ~before_16.fill_null(True) & ~t.pec & ~t.pi & counted
    mid_certain = mid & before_34.fill_null(False)
    mid_possible = (t.visualised_death & before_34.fill_null(True) & ~t.pec & ~t.pi & counted) & (
        t.weeks.isnull() | ~before_16.fill_null(True)
    )
    pregnancy_ended = (
        t.outcome.isin(("live_birth", "stillbirth", "miscarriage")) & ~t.non_visualised
    )
    either = pregnancy_ended & (t.pec | t.pi) & counted
    both = pregnancy_ended & t.pec & t.pi & counted

    def points(certain: bool) -> ir.IntegerValue:
        in_window = pec_pi_window.fill_null(not certain)
        m = mid_certain if certain else mid_possible
        return ibis.cases(
            (both & in_window, w["both"]),
            (either & in_window, w["either"]),
            (m, w["mid"]),
            else_=0,
        )

    scored = t.select(
        "patient_id",
        event_date=t.end_date,
        p_certain=points(True),
        p_possible=points(False),
        item=ibis.cases(
            (both & pec_pi_window.fill_null(False), "both"),
            (either & pec_pi_window.fill_null(False), "either"),
            (mid_certain, "mid"),
            else_=ibis.null("string"),
        ),
    )
    n_run = kb.value("aps.acr_eular_min_consecutive_early_losses")
    runs_c = _runs(t, early_certain, "c")
    runs_p = _runs(t, early_possible, "p")
    run_events = runs_c.filter(runs_c.c_length >= n_run).select(
        "patient_id",
        event_date=runs_c.c_date,
        p_certain=ibis.literal(w["early"]),
        p_possible=ibis.literal(w["early"]),
        item=ibis.literal("early"),
    )
    run_possible = runs_p.filter(runs_p.p_length >= n_run).select(
        "patient_id",
        event_date=runs_p.p_date,
        p_certain=ibis.literal(0),
        p_possible=ibis.literal(w["early"]),
        item=ibis.null("string"),
    )
    events = ibis.union(scored, run_events, run_possible, distinct=False)
    events = events.filter(events.p_possible > 0)

    # entry criterion: a positive aPL test (LA, or moderate/high aCL or anti-β2GPI) within
    # the years limit of a clinical criterion
    r = facts.derived("aps_antibody_results")
    pos = r.filter(r.acr_moderate.fill_null(False)).select("patient_id", test_date=r.date)
    ev = events.mutate(criterion=ibis.literal("D4"), certain=events.p_certain > 0)
    th = thrombosis_events(facts)
    th_events = th.select(
        patient_id=th.patient_id.cast(ev.schema()["patient_id"]),
        criterion=ibis.ifelse(th.venous, "D1", "D2"),
        event_date=th.event_date,
        certain=ibis.literal(True),
    )
    windowed = _events_in_window(
        ibis.union(
            ev.select("patient_id", "criterion", "event_date", "certain"),
            th_events,
            distinct=False,
        ),
        pos,
        None,
        kb.value("aps.acr_eular_max_years_test_to_event"),
    )
    entry = windowed.group_by("patient_id").aggregate(
        entry_met=count_if(windowed.certain & windowed.window_ok) > 0
    )
    clinical = events.group_by("patient_id").aggregate(
        clinical_points=events.p_certain.max(),
        clinical_points_possible=events.p_possible.max(),
        **{f"_item_{k}": count_if(events.item == k) > 0 for k in ITEMS},
    )

    a = facts.derived("aps_antibodies")

    def has(test: str, flag: ir.BooleanValue) -> ir.BooleanValue:
        return count_if((a.test == test) & flag) > 0

    lab = a.group_by("patient_id").aggregate(
        _la_persistent=has(LA, a.state == PERSISTENT),
        _la_once=has(LA, a.ever_acr_positive),
        _high_acl=has("acl_igg", a.high_persistent),
        _high_b2=has("ab2gpi_igg", a.high_persistent),
        _mod_igg=count_if(a.test.isin(("acl_igg", "ab2gpi_igg")) & a.moderate_persistent) > 0,
        _mod_igm=count_if(a.test.isin(("acl_igm", "ab2gpi_igm")) & a.moderate_persistent) > 0,
        _open=count_if(a.state.isin((PENDING, UNCLEAR)) | a.level_unknown) > 0,
        _tested=a.test.nunique(),
    )
    lab = lab.select(
        "patient_id",
        "_open",
        "_tested",
        d7=ibis.cases(
            (lab._la_persistent, w["la_persistent"]),
            (lab._la_once, w["la_once"]),
            else_=0,
        ),
        d8=ibis.cases(
            (lab._high_acl & lab._high_b2, w["igg_high_both"]),
            (lab._high_acl | lab._high_b2, w["igg_high"]),
            (lab._mod_igg, w["igg_moderate"]),
            (lab._mod_igm, w["igm"]),
            else_=0,
        ),
    )
    # D1 (venous) and D2 (arterial): the record holds no VTE or cardiovascular risk profile, so
    # the lower weight is certain and the higher one possible
    venous, arterial = count_if(th.venous) > 0, count_if(~th.venous) > 0
    thr = th.group_by("patient_id").aggregate(
        d12_certain=ibis.ifelse(venous, w["vte_certain"], 0)
        + ibis.ifelse(arterial, w["arterial_certain"], 0),
        d12_possible=ibis.ifelse(venous, w["vte_possible"], 0)
        + ibis.ifelse(arterial, w["arterial_possible"], 0),
    )
    sydney = facts.derived("cause_aps_sydney")
    j = attach(
        facts.patients.select("patient_id"),
        clinical,
        entry,
        lab,
        thr,
        sydney.select("patient_id", sydney_status=sydney.status),
    )
    obstetric = j.clinical_points.fill_null(0)
    thrombosis_points = j.d12_certain.fill_null(0)
    clin = obstetric + thrombosis_points
    clin_possible = j.clinical_points_possible.fill_null(0) + j.d12_possible.fill_null(0)
    d7, d8 = j.d7.fill_null(0), j.d8.fill_null(0)
    lab_points = d7 + d8
    lab_complete = (j._tested.fill_null(0) == 5) & ~j._open.fill_null(True)
    need_clin = kb.value("aps.acr_eular_clinical_min_points")
    need_lab = kb.value("aps.acr_eular_laboratory_min_points")
    clin_ok = compare(
        clin, kb.threshold("aps.acr_eular_clinical_min_points").operator or ">=", need_clin
    )
    clin_maybe = compare(
        clin_possible, kb.threshold("aps.acr_eular_clinical_min_points").operator or ">=", need_clin
    )
    lab_ok = compare(
        lab_points, kb.threshold("aps.acr_eular_laboratory_min_points").operator or ">=", need_lab
    )
    entry_met = j.entry_met.fill_null(False)
    status = ibis.cases(
        (clin_ok & lab_ok & entry_met, SUPPORTED),
        (~clin_maybe, RULED_OUT),
        (lab_complete & ~lab_ok, RULED_OUT),
        else_=NOT_ASSESSED,
    )
    return j.select(
        "patient_id",
        status=status,
        clinical_points=clin,
        obstetric_points=obstetric,
        thrombosis_points=thrombosis_points,
        thrombosis_points_possible=j.d12_possible.fill_null(0),
        obstetric_items=joined_names({v: j[f"_item_{k}"] for k, v in ITEMS.items()}).fill_null(
            "none"
        ),
        laboratory_points=lab_points,
        lupus_anticoagulant_points=d7,
        solid_phase_points=d8,
        clinical_points_possible=clin_possible,
        entry_criterion_met=entry_met,
        laboratory_complete=lab_complete,
        sydney_status=j.sydney_status,
    )


@rule(
    id="APS-CAUSE-001",
    name="aps-sydney-2006-classification",
    kind="cause",
    implements=[
        "sydney-2006/definite-aps",
        "sydney-2006/clinical-obstetric-criteria",
        "sydney-2006/laboratory-criteria",
        "acr-eular-2023/classification-not-diagnosis",
    ],
    uses=[
        "aps.sydney_fetal_death_min_weeks",
        "pregnancy.early_loss_max_weeks",
        "aps.sydney_min_consecutive_early_losses",
        "pregnancy.aps_preterm_birth_max_weeks",
        "aps.sydney_min_weeks_test_to_event",
        "aps.sydney_max_years_test_to_event",
    ],
    because={
        SUPPORTED: "Meets the Sydney 2006 classification criteria for APS: "
        "persistent antibodies and {clinical_criteria}, the positive test within "
        "{kb[aps.sydney_min_weeks_test_to_event]} weeks to "
        "{kb[aps.sydney_max_years_test_to_event]} years of the event",
        RULED_OUT: "Does not meet the Sydney 2006 criteria: {detail}",
        NOT_ASSESSED: "Sydney 2006 classification open: {detail}",
    },
    next_step={
        SUPPORTED: "Discuss aspirin and heparin for obstetric APS; plan pregnancy surveillance",
        NOT_ASSESSED: "Complete and repeat the antiphospholipid tests; record fetal morphology "
        "and the dates of the pregnancy events",
    },
)
def aps_sydney_classification(facts: Facts, kb: Knowledge) -> ir.Table:
    """Obstetric APS by the Sydney 2006 (revised Sapporo) classification criteria.

    ## What it decides
    Whether the patient meets the classification criteria: the laboratory criterion
    (APS-LAB-001, persistent antibodies) plus at least one obstetric criterion — (a) an
    unexplained death of a morphologically normal fetus at ``aps.sydney_fetal_death_min_weeks``
    weeks or later; (b) a premature birth before ``pregnancy.aps_preterm_birth_max_weeks``
    weeks of a morphologically normal neonate for eclampsia, severe pre-eclampsia or placental
    insufficiency; (c) ``aps.sydney_min_consecutive_early_losses`` or more unexplained
    consecutive losses before ``pregnancy.early_loss_max_weeks`` weeks — with a positive test
    at least ``aps.sydney_min_weeks_test_to_event`` weeks and at most
    ``aps.sydney_max_years_test_to_event`` years from the event. "Unexplained" is read from
    the products-of-conception result (an aneuploid, triploid or unbalanced result explains
    the loss); the maternal anatomical, hormonal and parental chromosomal exclusions of (c)
    are left to their own cause rules. Output says "meets classification criteria", never
    "diagnosed". Vascular thrombosis, the other clinical criterion, is met by a recorded
    venous thromboembolism or arterial thrombosis (any status) dated by its onset, with the
    same test window.

    ## Why it matters
    The guideline treatment recommendations (ESHRE, RCOG) for aspirin and heparin were
    written against Sydney-type criteria; shown beside ACR/EULAR 2023 (APS-CAUSE-002).

    ## Not assessed when
    The laboratory criterion is not settled (a single positive, missing tests); a fetal death
    at 10 weeks or later has no recorded morphology, a loss no gestational week, or an event
    no date where it decides; the positive tests fall outside the window (a later test may
    still fall inside it); or a recorded thrombosis has no onset date to check the window.

    ## Example
    Three miscarriages at 7, 8 and 6 weeks, a fetal death at 17 weeks with normal morphology,
    LA positive 100 days after it and again 98 days later: supported.
    """
    return facts.derived("cause_aps_sydney")


@rule(
    id="APS-CAUSE-002",
    name="aps-acr-eular-2023-score",
    kind="cause",
    implements=["acr-eular-2023/classification", "acr-eular-2023/classification-not-diagnosis"],
    uses=[
        "pregnancy.early_fetal_death_max_weeks",
        "aps.acr_eular_min_consecutive_early_losses",
        "pregnancy.mid_fetal_death_max_weeks",
        "aps.acr_eular_pec_pi_max_weeks",
        "aps.acr_eular_moderate_min_units",
        "aps.acr_eular_high_min_units",
        "aps.acr_eular_clinical_min_points",
        "aps.acr_eular_laboratory_min_points",
        "aps.acr_eular_max_years_test_to_event",
        "table:acr_eular_aps_weights",
    ],
    because={
        SUPPORTED: "Meets the ACR/EULAR 2023 classification criteria: {clinical_points} "
        "clinical (obstetric: {obstetric_items}; thrombosis: {thrombosis_points}) and "
        "{laboratory_points} laboratory points "
        "(lupus anticoagulant {lupus_anticoagulant_points}, anticardiolipin/anti-β2GPI "
        "{solid_phase_points}); "
        "Sydney 2006: {sydney_status}",
        RULED_OUT: "Does not meet the ACR/EULAR 2023 criteria: {clinical_points} clinical "
        "(obstetric: {obstetric_items}; thrombosis: {thrombosis_points}) and "
        "{laboratory_points} laboratory points; "
        "{kb[aps.acr_eular_clinical_min_points]} clinical and "
        "{kb[aps.acr_eular_laboratory_min_points]} laboratory points are needed; "
        "Sydney 2006: {sydney_status}",
        NOT_ASSESSED: "ACR/EULAR 2023 classification open: {clinical_points} clinical points "
        "(thrombosis {thrombosis_points}; up to {clinical_points_possible} with the unknowns, "
        "VTE and cardiovascular risk profiles included), {laboratory_points} laboratory "
        "points (tests complete: {laboratory_complete}), entry criterion met: "
        "{entry_criterion_met}; Sydney 2006: {sydney_status}",
    },
)
def aps_acr_eular_score(facts: Facts, kb: Knowledge) -> ir.Table:
    """APS by the 2023 ACR/EULAR weighted classification criteria (obstetric and
    macrovascular domains).

    ## What it decides
    The obstetric domain D4 (highest item only: ``aps.acr_eular_min_consecutive_early_losses``
    consecutive losses before ``pregnancy.early_fetal_death_max_weeks`` weeks; a fetal death
    from there to ``pregnancy.mid_fetal_death_max_weeks`` weeks without severe pre-eclampsia
    or placental insufficiency; severe pre-eclampsia or placental insufficiency before
    ``aps.acr_eular_pec_pi_max_weeks`` weeks; both) and the laboratory domains D7 (lupus
    anticoagulant once or persistent) and D8 (persistent anticardiolipin / anti-β2GPI at
    ``aps.acr_eular_moderate_min_units`` or ``aps.acr_eular_high_min_units`` units), weighted
    by ``table:acr_eular_aps_weights``. Supported ("meets classification criteria") with
    ``aps.acr_eular_clinical_min_points`` clinical and ``aps.acr_eular_laboratory_min_points``
    laboratory points and a positive test within ``aps.acr_eular_max_years_test_to_event``
    years of a scored event (a thrombosis dated by its onset). The macrovascular domains D1
    (venous thromboembolism) and D2 (arterial thrombosis) are scored from a recorded
    thrombosis of any status: the record holds no VTE or cardiovascular risk profile, so the
    lower weight (with a high-risk profile) counts as certain and the higher one as possible.
    Microvascular, cardiac-valve and haematological domains are not scored.

    ## Why it matters
    Recurrent early losses alone give 1 clinical point, so many women who meet Sydney 2006
    by three early losses do not classify here; both are shown side by side.

    ## Not assessed when
    Unknown gestational weeks, non-visualised losses or missing complications could lift the
    clinical points to the threshold; laboratory tests are missing or pending while the
    clinical points suffice; the entry window cannot be shown (a thrombosis without an onset
    date); or the unknown VTE or cardiovascular risk profile could lift the points to the
    threshold.

    ## Example
    Three early losses and a fetal death at 17 weeks (1 point), persistent LA (5) and aCL IgG
    58–64 GPL (4): 1 clinical and 9 laboratory points, ruled out (while Sydney 2006 is met).
    """
    return facts.derived("cause_aps_acr_eular")


DERIVATIONS = {
    "aps_pregnancies": Derivation(aps_pregnancies),
    "cause_aps_sydney": Derivation(
        cause_aps_sydney,
    ),
    "cause_aps_acr_eular": Derivation(
        cause_aps_acr_eular,
    ),
}

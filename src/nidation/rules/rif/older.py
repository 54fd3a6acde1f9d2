"""Recurrent implantation failure by the older, count-based definitions: Coughlan 2014,
Polanski 2014 and the 2022 Lugano workshop (2023)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET
from nidation.engine.vocabulary import age_at, compare, count_if, tri_state
from nidation.knowledge import Knowledge
from nidation.rules.rif.chances import POSITIVE_OUTCOMES

CLINICAL_OUTCOMES = ("clinical_pregnancy", "ectopic")  # ICMART 2017: a seen ectopic is clinical
NO_CLINICAL_OUTCOMES = ("negative_hcg", "biochemical")
NEGATIVE = "negative_hcg"


def _threshold(value: ir.NumericValue, kb: Knowledge, key: str) -> ir.BooleanValue:
    """``value`` against the threshold ``key`` with the operator the knowledge base gives."""
    return compare(value, str(kb.threshold(key).operator), kb.value(key))


def graded_transfers(facts: Facts) -> ir.Table:
    """One row per transfer: its order, outcome, the woman's age on its date, and counts of
    its embryos that are certainly / possibly good quality (by ``embryo_quality_grades``; an
    unmatched grade is unknown), by stage, and how many are euploid blastocysts."""
    te, e, q = facts.transfer_embryos, facts.embryos, facts.kb_table("embryo_quality_grades")
    q = q.select(
        q_system=q.grading_system.strip().lower(),
        q_stage=q.stage,
        q_grade=q.grade.strip().upper(),
        good=q.good_quality,
    )
    j = te.left_join(e, [te.patient_id == e.patient_id, te.embryo_id == e.id]).select(
        te.patient_id,
        te.transfer_id,
        stage=e.stage,
        pgt_a=e.pgt_a,
        grading_system=e.grading_system,
        grade=e.grade,
    )
    j = j.mutate(_system=j.grading_system.strip().lower(), _grade=j.grade.strip().upper())
    j = j.left_join(q, [j._system == q.q_system, j.stage == q.q_stage, j._grade == q.q_grade])
    j = j.select("patient_id", "transfer_id", "stage", "pgt_a", good=q.good)
    maybe = j.good.fill_null(True)
    cleavage, blast = j.stage == "cleavage", j.stage == "blastocyst"
    per = j.group_by(["patient_id", "transfer_id"]).aggregate(
        embryos=j.count(),
        good=count_if(j.good),
        good_possible=count_if(maybe),
        unknown_quality=count_if(j.good.isnull()),
        good_cleavage=count_if(cleavage & j.good),
        good_cleavage_possible=count_if(cleavage & maybe),
        good_blastocysts=count_if(blast & j.good),
        good_blastocysts_possible=count_if(blast & maybe),
        euploid_blastocysts=count_if(blast & (j.pgt_a == "euploid")),
    )
    t, p = facts.transfers, facts.patients
    x = t.join(per, [t.patient_id == per.patient_id, t.id == per.transfer_id])
    x = x.join(p, x.patient_id == p.patient_id)
    order = ibis.row_number().over(group_by=x.patient_id, order_by=[x.date, x.seq])
    return x.select(
        *[x[c] for c in per.columns], outcome=x.outcome, order=order, age=age_at(x, x.date)
    )


def graded_transfer_table(facts: Facts, kb: Knowledge) -> ir.Table:
    """:func:`graded_transfers` as a derivation computed once per run."""
    return graded_transfers(facts)


def windows(t: ir.Table, *, reset: tuple[str, ...], counted: tuple[str, ...]) -> ir.Table:
    """Mark the transfers counted after the most recent ``reset`` outcome. ``certain``: an
    outcome in ``counted``, after every reset and every pending test (read as a reset);
    ``possible``: a counted or pending outcome after the last recorded reset."""
    everything = ibis.window(group_by=t.patient_id)
    none = ibis.null("int64")
    pending = t.outcome.isnull()
    last_any = ibis.ifelse(t.outcome.isin(reset) | pending, t.order, none).max().over(everything)
    last_known = ibis.ifelse(t.outcome.isin(reset), t.order, none).max().over(everything)
    return t.mutate(
        certain=t.outcome.isin(counted).fill_null(False) & (t.order > last_any.fill_null(-1)),
        possible=(t.outcome.isin(counted).fill_null(False) | pending)
        & (t.order > last_known.fill_null(-1)),
    )


def per_patient(facts: Facts, t: ir.Table, **sums: ir.Value) -> ir.Table:
    """Aggregate ``sums`` per patient; every patient, zero when nothing is counted."""
    agg = t.group_by("patient_id").aggregate(**sums)
    everyone = facts.patients.select("patient_id")
    j = everyone.left_join(agg, "patient_id")
    return j.select(
        everyone.patient_id,
        *[
            j[c] if j[c].type().is_floating() else j[c].fill_null(0).name(c)
            for c in agg.columns
            if c != "patient_id"
        ],
    )


def _sum_in(flag: ir.BooleanValue, value: ir.IntegerValue) -> ir.IntegerScalar:
    return ibis.ifelse(flag, value, 0).sum()


@rule(
    id="RIF-DEF-002",
    name="rif-coughlan-2014",
    kind="criterion",
    implements=["coughlan-2014/rif-definition"],
    uses=[
        "rif.coughlan_min_good_quality_embryos",
        "rif.coughlan_min_cycles",
        "rif.coughlan_max_age_years",
        "table:embryo_quality_grades",
    ],
    because={
        MET: "No clinical pregnancy after {good_embryos} good-quality embryo(s) in "
        "{good_transfers} transfer(s), aged {age:.1f} at the latest; Coughlan 2014 needs "
        "{kb[rif.coughlan_min_good_quality_embryos]} or more in "
        "{kb[rif.coughlan_min_cycles]} or more transfers, under "
        "{kb[rif.coughlan_max_age_years]}",
        NOT_MET: "{good_embryos} good-quality embryo(s) in {good_transfers} transfer(s) since "
        "the last clinical pregnancy (aged {age:.1f} at the latest counted transfer); "
        "Coughlan 2014 needs "
        "{kb[rif.coughlan_min_good_quality_embryos]} or more in "
        "{kb[rif.coughlan_min_cycles]} or more transfers, under "
        "{kb[rif.coughlan_max_age_years]}",
        NOT_ASSESSED: "{good_embryos} to {good_embryos_possible} good-quality embryo(s) in "
        "{good_transfers} to {good_transfers_possible} transfer(s) ({unknown_quality} "
        "embryo(s) of unknown quality, {pending} test(s) pending); aged {age:.1f} at the "
        "latest",
    },
    next_step={
        MET: "Consider the recurrent implantation failure work-up",
        NOT_ASSESSED: "Record the grade and grading system of every transferred embryo, "
        "her date of birth or age, and any pending pregnancy test",
    },
)
def rif_coughlan(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent implantation failure as Coughlan et al. 2014 define it.

    ## What it decides
    Whether she has had no clinical pregnancy after at least
    ``rif.coughlan_min_good_quality_embryos`` good-quality embryos transferred in at least
    ``rif.coughlan_min_cycles`` fresh or frozen transfers that each held a good-quality
    embryo, and was under ``rif.coughlan_max_age_years`` at the latest of them. Counted are
    transfers after her most recent clinical pregnancy (an ectopic counts as one) that ended
    with a negative hCG *or a biochemical pregnancy*: a biochemical pregnancy is not a
    clinical pregnancy, so it neither restarts the count nor is left out of it. Quality
    comes from ``embryo_quality_grades``; her own age is used, also with donor oocytes.

    ## Why it matters
    The most quoted count-based definition before ESHRE 2023; many trials enrolled by it.

    ## Not assessed when
    Embryos of unknown grade (or grading system), an unknown age, or a pending pregnancy test
    (read once as a pregnancy, once as a failure) could change the answer.

    ## Example
    Age 36, four single transfers of 4AA, 4AB+4BA, 4AB and 4AA blastocysts, all negative:
    5 good embryos in 4 transfers, met.
    """
    t = windows(
        facts.derived("graded_transfers"), reset=CLINICAL_OUTCOMES, counted=NO_CLINICAL_OUTCOMES
    )
    s = per_patient(
        facts,
        t,
        good_embryos=_sum_in(t.certain, t.good),
        good_embryos_possible=_sum_in(t.possible, t.good_possible),
        good_transfers=count_if(t.certain & (t.good > 0)),
        good_transfers_possible=count_if(t.possible & (t.good_possible > 0)),
        unknown_quality=_sum_in(t.possible, t.unknown_quality),
        pending=count_if(t.possible & t.outcome.isnull()),
        age=t.age.max(where=t.possible),
    )
    young = _threshold(s.age, kb, "rif.coughlan_max_age_years")
    embryos, cycles = "rif.coughlan_min_good_quality_embryos", "rif.coughlan_min_cycles"
    status = tri_state(
        certainly=_threshold(s.good_embryos, kb, embryos)
        & _threshold(s.good_transfers, kb, cycles)
        & young,
        possibly=_threshold(s.good_embryos_possible, kb, embryos)
        & _threshold(s.good_transfers_possible, kb, cycles)
        & young.fill_null(True),
    )
    return s.mutate(status=status)


@rule(
    id="RIF-DEF-003",
    name="rif-polanski-2014",
    kind="criterion",
    implements=["polanski-2014/rif-definition"],
    uses=[
        "rif.polanski_min_consecutive_cycles",
        "rif.polanski_min_good_quality_cleavage_embryos",
        "rif.polanski_min_good_quality_blastocysts",
        "table:embryo_quality_grades",
    ],
    because={
        MET: "No implantation in the last {failed_transfers} consecutive transfer(s), with "
        "{good_cleavage} good cleavage embryo(s) and {good_blastocysts} good blastocyst(s); "
        "Polanski 2014 needs {kb[rif.polanski_min_consecutive_cycles]} transfers with "
        "{kb[rif.polanski_min_good_quality_cleavage_embryos]} good cleavage embryos or "
        "{kb[rif.polanski_min_good_quality_blastocysts]} good blastocysts",
        NOT_MET: "{failed_transfers} consecutive failed transfer(s) since the last positive "
        "hCG, with {good_cleavage} good cleavage embryo(s) and {good_blastocysts} good "
        "blastocyst(s); Polanski 2014 needs {kb[rif.polanski_min_consecutive_cycles]} "
        "transfers with {kb[rif.polanski_min_good_quality_cleavage_embryos]} good cleavage "
        "embryos or {kb[rif.polanski_min_good_quality_blastocysts]} good blastocysts",
        NOT_ASSESSED: "{failed_transfers} to {failed_transfers_possible} consecutive failed "
        "transfer(s), {good_cleavage} to {good_cleavage_possible} good cleavage embryo(s), "
        "{good_blastocysts} to {good_blastocysts_possible} good blastocyst(s) "
        "({unknown_quality} of unknown quality, {pending} test(s) pending)",
    },
    next_step={
        MET: "Consider the recurrent implantation failure work-up",
        NOT_ASSESSED: "Record the grade and grading system of every transferred embryo and "
        "any pending pregnancy test",
    },
)
def rif_polanski(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent implantation failure as Polanski et al. 2014 define it.

    ## What it decides
    Whether the consecutive transfers (fresh or frozen) that ended with a negative hCG after
    her most recent positive hCG number at least ``rif.polanski_min_consecutive_cycles`` and
    together transferred at least ``rif.polanski_min_good_quality_cleavage_embryos``
    good-quality cleavage embryos or at least ``rif.polanski_min_good_quality_blastocysts``
    good-quality blastocysts. The whole run is summed; the two arms are not mixed (two good
    cleavage embryos and one good blastocyst meet neither), and morulae count in neither.
    Any positive hCG, biochemical included, is implantation and restarts the run.

    ## Why it matters
    A stricter, earlier trigger than Coughlan's, used by many RIF studies.

    ## Not assessed when
    Embryos of unknown grade (or grading system), or a pending pregnancy test, could change
    the answer.

    ## Example
    Two failed single transfers of 4AB and 4AA blastocysts: 2 good blastocysts, met.
    """
    t = windows(facts.derived("graded_transfers"), reset=POSITIVE_OUTCOMES, counted=(NEGATIVE,))
    s = per_patient(
        facts,
        t,
        failed_transfers=count_if(t.certain),
        failed_transfers_possible=count_if(t.possible),
        good_cleavage=_sum_in(t.certain, t.good_cleavage),
        good_cleavage_possible=_sum_in(t.possible, t.good_cleavage_possible),
        good_blastocysts=_sum_in(t.certain, t.good_blastocysts),
        good_blastocysts_possible=_sum_in(t.possible, t.good_blastocysts_possible),
        unknown_quality=_sum_in(t.possible, t.unknown_quality),
        pending=count_if(t.possible & t.outcome.isnull()),
    )
    cycles = "rif.polanski_min_consecutive_cycles"
    cleavage = "rif.polanski_min_good_quality_cleavage_embryos"
    blast = "rif.polanski_min_good_quality_blastocysts"
    status = tri_state(
        certainly=_threshold(s.failed_transfers, kb, cycles)
        & (_threshold(s.good_cleavage, kb, cleavage) | _threshold(s.good_blastocysts, kb, blast)),
        possibly=_threshold(s.failed_transfers_possible, kb, cycles)
        & (
            _threshold(s.good_cleavage_possible, kb, cleavage)
            | _threshold(s.good_blastocysts_possible, kb, blast)
        ),
    )
    return s.mutate(status=status)


@rule(
    id="RIF-DEF-004",
    name="rif-lugano-2023",
    kind="criterion",
    implements=["lugano-2023/rif-definition"],
    uses=["rif.lugano_min_failed_euploid_blastocyst_transfers"],
    because={
        MET: "{euploid_failed_transfers} failed transfers of euploid blastocysts since the "
        "last positive hCG; the Lugano workshop needs "
        "{kb[rif.lugano_min_failed_euploid_blastocyst_transfers]} or more (other "
        "contributing factors not checked here)",
        NOT_MET: "{euploid_failed_transfers} failed transfer(s) of euploid blastocysts since "
        "the last positive hCG; the Lugano workshop needs "
        "{kb[rif.lugano_min_failed_euploid_blastocyst_transfers]} or more (untested-embryo "
        "equivalents not evaluated)",
        NOT_ASSESSED: "{euploid_failed_transfers} to {euploid_failed_transfers_possible} "
        "failed transfers of euploid blastocysts ({pending} test(s) pending)",
    },
    next_step={
        MET: "Rule out other contributing factors before labelling recurrent implantation failure",
        NOT_ASSESSED: "Record the pending pregnancy test",
    },
)
def rif_lugano(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent implantation failure as the 2022 Lugano workshop (Pirtea 2023) defines it.

    ## What it decides
    Whether at least ``rif.lugano_min_failed_euploid_blastocyst_transfers`` transfers in
    which every embryo was a euploid blastocyst ended with a negative hCG after her most
    recent positive hCG (any positive hCG, biochemical included, restarts the count; the
    failed transfers need not be consecutive). Not evaluated: the "equivalent number of
    untested embryos adjusted for age and expected euploidy" (such transfers, and mixed
    ones, are not counted) and "other contributing factors ruled out" (the cause rules
    cover those); a met status is therefore necessary, not sufficient.

    ## Why it matters
    With euploid embryos most failures of the embryo are excluded; fewer than 5 % of
    couples fail three euploid transfers, so the label is kept for them.

    ## Not assessed when
    A pending pregnancy test could change the answer.

    ## Example
    One failed euploid blastocyst transfer after three failed untested ones: 1, not met.
    """
    t = windows(facts.derived("graded_transfers"), reset=POSITIVE_OUTCOMES, counted=(NEGATIVE,))
    euploid = (t.euploid_blastocysts == t.embryos).fill_null(False)
    s = per_patient(
        facts,
        t,
        euploid_failed_transfers=count_if(t.certain & euploid),
        euploid_failed_transfers_possible=count_if(t.possible & euploid),
        pending=count_if(t.possible & t.outcome.isnull() & euploid),
    )
    key = "rif.lugano_min_failed_euploid_blastocyst_transfers"
    status = tri_state(
        certainly=_threshold(s.euploid_failed_transfers, kb, key),
        possibly=_threshold(s.euploid_failed_transfers_possible, kb, key),
    )
    return s.mutate(status=status)


DERIVATIONS = {"graded_transfers": Derivation(graded_transfer_table)}

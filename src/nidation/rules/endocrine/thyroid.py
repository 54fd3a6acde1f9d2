"""Thyroid dysfunction and thyroid autoimmunity, with the ATA 2017 levothyroxine matrix."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge
from nidation.rules.endocrine.common import check_unit, meets, with_condition, with_latest

MATRIX = "endocrine_ata_2017_lt4"
FALLBACK_ULN = "thyroid.tsh_fallback_upper_limit_miu_per_l"
TPO_CONSIDER = "thyroid.tsh_tpo_positive_consider_lt4_miu_per_l"
LT4_RECOMMENDED = "thyroid.tsh_lt4_recommended_miu_per_l"
TPO_POSITIVE = "thyroid.tpo_ab_positive_min_iu_per_ml"
OVERT_ADVICE = "nidation-defaults/overt-hypothyroidism-lt4"
KNOWN_HYPO_ADVICE = "ata-2014-hypothyroidism/increase-dose-in-pregnancy"


def _statement(kb: Knowledge, rec_id: str) -> str:
    try:
        return kb.recommendations[rec_id].statement
    except KeyError:
        raise RuleDefinitionError(
            f"recommendation {rec_id!r} is not in the knowledge base"
        ) from None


def _check_matrix(kb: Knowledge) -> None:
    """Every cell of the matrix present and naming a known recommendation."""
    table = kb.tables[MATRIX]
    cells = {(str(r["tpo_status"]), str(r["tsh_band"])) for r in table.rows}
    for tpo in table.allowed_values["tpo_status"]:
        for band in table.allowed_values["tsh_band"]:
            if (tpo, band) not in cells:
                raise RuleDefinitionError(f"table {MATRIX!r} lacks the cell TPO {tpo}, {band}")
    for row in table.rows:
        _statement(kb, str(row["recommendation"]))


def cause_thyroid_dysfunction(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): thyroid dysfunction ``supported`` / ``ruled_out`` /
    ``not_assessed`` from the latest TSH, free T4 and TPO antibodies and the recorded
    conditions, with the ATA 2017 levothyroxine cell (``endocrine_ata_2017_lt4``) as evidence.

    The TSH upper limit is the laboratory's ``reference_high`` when the result carries one
    (compared in the unit it was reported in), else ``thyroid.tsh_fallback_upper_limit_miu_per_l``.
    A TSH below the laboratory's ``reference_low`` is abnormal too; without a laboratory range
    only the upper side is judged (no fallback lower limit is sourced). Free T4 is read only
    against the laboratory's range (assay-specific). TPO status (also read by
    ``cause_thyroid_autoimmunity``): the laboratory's qualitative reading, else the value
    against the laboratory's ``reference_high``, else against
    ``thyroid.tpo_ab_positive_min_iu_per_ml``; a recorded ``thyroid_autoimmunity`` counts as
    positive when no result says otherwise."""
    for key in (FALLBACK_ULN, TPO_CONSIDER, LT4_RECOMMENDED):
        check_unit(kb, key, "tsh")
    check_unit(kb, TPO_POSITIVE, "tpo_ab")
    _check_matrix(kb)
    t = facts.patients.select("patient_id")
    t = with_latest(t, facts, "tsh", "tsh")
    t = with_latest(t, facts, "free_t4", "ft4")
    t = with_latest(t, facts, "tpo_ab", "tpo")
    t = with_condition(t, facts, ["hypothyroidism"], "hypothyroidism_recorded")
    t = with_condition(t, facts, ["hyperthyroidism"], "hyperthyroidism_recorded")
    t = with_condition(t, facts, ["thyroid_autoimmunity"], "tai_recorded")

    tsh = t.tsh_value_canonical
    lab_range = t.tsh_reference_high.notnull()
    tsh_high = ibis.ifelse(lab_range, t.tsh_above_reference, meets(tsh, kb, FALLBACK_ULN))
    tsh_low = t.tsh_below_reference.fill_null(False)
    ft4_low = t.ft4_below_reference.fill_null(False)
    ft4_normal = (~t.ft4_below_reference).fill_null(False)
    high = tsh_high.fill_null(False)

    tpo_numeric = t.tpo_value_canonical.notnull()
    tpo_by_lab = t.tpo_qualitative.isin(["positive", "negative"]).fill_null(False)
    tpo_lab_cutoff = tpo_numeric & t.tpo_reference_high.notnull()
    tpo_positive = ibis.cases(
        (tpo_by_lab, t.tpo_qualitative == "positive"),
        (tpo_lab_cutoff, t.tpo_above_reference),
        (tpo_numeric, meets(t.tpo_value_canonical, kb, TPO_POSITIVE)),
        else_=ibis.null("boolean"),
    )
    tpo_basis = ibis.cases(
        (tpo_by_lab, "the laboratory's reading"),
        (tpo_lab_cutoff, "the laboratory's cut-off"),
        (tpo_numeric, "the default cut-off"),
        else_=ibis.null("string"),
    )
    tpo_status = ibis.cases(
        (tpo_positive.notnull(), ibis.ifelse(tpo_positive, "positive", "negative")),
        (t.tai_recorded, "positive"),
        else_=ibis.null("string"),
    )
    tsh_band = ibis.cases(
        (tsh.isnull() | tsh_low, ibis.null("string")),
        (meets(tsh, kb, LT4_RECOMMENDED), "over_lt4_recommended"),
        (high, "over_upper_limit"),
        (meets(tsh, kb, TPO_CONSIDER), "over_tpo_consider"),
        else_="not_over_tpo_consider",
    )
    t = t.mutate(
        _tsh_high=high,
        _tsh_low=tsh_low,
        _ft4_low=ft4_low,
        _ft4_normal=ft4_normal,
        _tpo_positive=tpo_positive,
        _tpo_basis=tpo_basis,
        _tpo_status=tpo_status,
        _tsh_band=tsh_band,
    )
    m = facts.kb_table(MATRIX)
    j = t.left_join(m, [t._tpo_status == m.tpo_status, t._tsh_band == m.tsh_band]).select(
        t,
        _cell=m.cell,
        _lt4=m.lt4,
        _strength=m.strength,
        _certainty=m.certainty,
        _recommendation=m.recommendation,
    )
    overt = j._tsh_high & j._ft4_low
    subclinical = j._tsh_high & j._ft4_normal
    supported = (
        j._tsh_high
        | j._tsh_low
        | j._ft4_low
        | j.hypothyroidism_recorded
        | j.hyperthyroidism_recorded
    )
    status = ibis.cases(
        (supported, SUPPORTED),
        (j.tsh_value_canonical.notnull(), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    finding = ibis.cases(
        (overt, "Overt hypothyroidism"),
        (subclinical, "Subclinical hypothyroidism"),
        (j._tsh_high, "Raised TSH (free T4 not measured or without a laboratory range)"),
        (j._tsh_low, "TSH below the laboratory range"),
        (j._ft4_low, "Free T4 below the laboratory range with a TSH within limits"),
        (j.hypothyroidism_recorded, "Hypothyroidism recorded"),
        (j.hyperthyroidism_recorded, "Hyperthyroidism recorded"),
        (j.tsh_value_canonical.notnull(), "TSH within limits"),
        else_=ibis.null("string"),
    )
    free_t4_reading = ibis.cases(
        (j._ft4_low, "below the laboratory range"),
        (j._ft4_normal, "within the laboratory range"),
        (j.ft4_value_canonical.notnull(), "measured without a laboratory range"),
        else_="not measured",
    )
    grade = ibis.ifelse(
        j._strength.notnull() & j._certainty.notnull(),
        j._strength + " recommendation, " + j._certainty + "-quality evidence",
        "ungraded",
    )
    matrix = (
        ibis.literal("ATA-2017 for ") + j._cell + ": levothyroxine " + j._lt4 + " (" + grade + ")"
    )
    lt4 = ibis.cases(
        (overt, _statement(kb, OVERT_ADVICE)),
        (
            j.hypothyroidism_recorded,
            "Hypothyroidism recorded: " + ibis.literal(_statement(kb, KNOWN_HYPO_ADVICE)),
        ),
        (
            j._tsh_low | j.hyperthyroidism_recorded | (j._ft4_low & ~j._tsh_high),
            "Not a levothyroxine question: refer for endocrine assessment",
        ),
        (j._lt4.notnull(), matrix),
        (
            j._tsh_band.notnull(),
            "The ATA-2017 levothyroxine matrix needs the TPO-antibody status (not tested)",
        ),
        else_=ibis.null("string"),
    )
    return j.select(
        "patient_id",
        status=status,
        finding=finding,
        tsh=j.tsh_value_canonical,
        tsh_upper_limit=ibis.coalesce(j.tsh_reference_high, kb.value(FALLBACK_ULN)),
        upper_limit_from=ibis.ifelse(
            j.tsh_reference_high.notnull(), "laboratory range", "ATA-2017 fallback"
        ),
        tsh_date=j.tsh_date,
        free_t4=j.ft4_value_canonical,
        free_t4_low=ibis.ifelse(
            j.ft4_below_reference.notnull(), j.ft4_below_reference, ibis.null("boolean")
        ),
        free_t4_reading=free_t4_reading,
        hypothyroidism_recorded=j.hypothyroidism_recorded,
        hyperthyroidism_recorded=j.hyperthyroidism_recorded,
        tai_recorded=j.tai_recorded,
        tpo_status=j._tpo_status,
        tpo_ab=j.tpo_value_canonical,
        tpo_cut_off=ibis.ifelse(
            j._tpo_basis.isin(["the laboratory's cut-off", "the default cut-off"]).fill_null(False),
            ibis.coalesce(j.tpo_reference_high, kb.value(TPO_POSITIVE)),
            ibis.null("float64"),
        ),
        tpo_basis=j._tpo_basis,
        tsh_band=j._tsh_band,
        ata_2017_cell=j._cell,
        ata_2017_lt4=j._lt4,
        ata_2017_grade=ibis.ifelse(j._cell.notnull(), grade, ibis.null("string")),
        ata_2017_recommendation=j._recommendation,
        lt4=lt4,
    )


def cause_thyroid_autoimmunity(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): thyroid autoimmunity ``supported`` when the latest TPO
    antibody result is positive (or, with no result, the condition is recorded), ``ruled_out``
    when it is negative, else ``not_assessed``; with the thyroid function read by
    ``cause_thyroid_dysfunction`` (euthyroid or not) and its ATA 2017 cell."""
    d = facts.derived("cause_thyroid_dysfunction")
    status = ibis.cases(
        (d.tpo_status == "positive", SUPPORTED),
        (d.tpo_status == "negative", RULED_OUT),
        else_=NOT_ASSESSED,
    )
    tpo_reading = ibis.cases(
        (d.tpo_basis.isnull() & d.tai_recorded, "recorded as a condition (no result)"),
        (d.tpo_basis.notnull(), d.tpo_status + " by " + d.tpo_basis),
        else_="not tested",
    )
    thyroid_function = ibis.cases(
        (d.status == RULED_OUT, "euthyroid (TSH within limits)"),
        (d.status == SUPPORTED, d.finding),
        else_="unknown (no TSH)",
    )
    euthyroid = ibis.cases(
        (d.status == RULED_OUT, True),
        (d.status == SUPPORTED, False),
        else_=ibis.null("boolean"),
    )
    return d.select(
        "patient_id",
        status=status,
        tpo_ab=d.tpo_ab,
        tpo_cut_off=d.tpo_cut_off,
        tpo_reading=tpo_reading,
        tai_recorded=d.tai_recorded,
        euthyroid=euthyroid,
        thyroid_function=thyroid_function,
        tsh=d.tsh,
        ata_2017_cell=d.ata_2017_cell,
        ata_2017_lt4=d.ata_2017_lt4,
        ata_2017_grade=d.ata_2017_grade,
        ata_2017_recommendation=d.ata_2017_recommendation,
    )


@rule(
    id="THY-CAUSE-001",
    name="thyroid-dysfunction",
    kind="cause",
    implements=[
        "eshre-rpl-2022/test-tsh",
        "rcog-gtg17-2023/test-thyroid",
        "eshre-rif-2023/thyroid-testing",
        "ata-2017/fallback-upper-limit",
        "eshre-rpl-2022/free-t4-if-tsh-abnormal",
        "nidation-defaults/overt-hypothyroidism-lt4",
        "eshre-rpl-2022/lt4-subclinical-hypothyroidism",
        "rcog-sip70/subclinical-hypothyroidism",
        "dong-2020/sch-not-associated",
        "ata-2017/lt4-tpo-positive-tsh-above-range",
        "ata-2017/lt4-tpo-negative-tsh-above-10",
        "ata-2017/lt4-tpo-positive-tsh-above-2-5",
        "ata-2017/lt4-tpo-negative-tsh-above-range-below-10",
        "ata-2017/no-lt4-tpo-negative-normal-tsh",
        "ata-2014-hypothyroidism/increase-dose-in-pregnancy",
    ],
    uses=[
        "thyroid.tsh_fallback_upper_limit_miu_per_l",
        "thyroid.tsh_tpo_positive_consider_lt4_miu_per_l",
        "thyroid.tsh_lt4_recommended_miu_per_l",
        "thyroid.tpo_ab_positive_min_iu_per_ml",
        "table:endocrine_ata_2017_lt4",
    ],
    because={
        SUPPORTED: "{finding}: TSH {tsh} mIU/L against an upper limit of {tsh_upper_limit} "
        "mIU/L ({upper_limit_from}); free T4 {free_t4_reading}",
        RULED_OUT: "TSH {tsh} mIU/L is within the upper limit of {tsh_upper_limit} mIU/L "
        "({upper_limit_from}); free T4 {free_t4_reading}",
        NOT_ASSESSED: "No TSH result",
    },
    next_step={
        SUPPORTED: "{lt4}. Repeat TSH with free T4 to confirm, and check TSH early in pregnancy",
        NOT_ASSESSED: "Test TSH (ESHRE, RCOG; ESHRE 2023 for RIF), with TPO antibodies",
    },
)
def thyroid_dysfunction(facts: Facts, kb: Knowledge) -> ir.Table:
    """Thyroid dysfunction: overt or subclinical hypothyroidism, or another abnormal thyroid
    function, from the latest TSH and free T4.

    ## What it decides
    Supported when the latest TSH is above the upper limit — the laboratory's
    ``reference_high`` when the result carries one, else
    ``thyroid.tsh_fallback_upper_limit_miu_per_l`` (ATA 2017) — as overt hypothyroidism
    (free T4 below the laboratory's range) or subclinical hypothyroidism (free T4 within it);
    also when TSH is below the laboratory's range, free T4 is below its range, or
    hypothyroidism or hyperthyroidism is recorded. Ruled out when TSH is known and normal.
    Evidence carries the ATA 2017 levothyroxine cell (``table:endocrine_ata_2017_lt4``) for
    her TPO status and TSH band (above ``thyroid.tsh_lt4_recommended_miu_per_l``, above the
    upper limit, above ``thyroid.tsh_tpo_positive_consider_lt4_miu_per_l``, or not), with TPO
    positivity read against ``thyroid.tpo_ab_positive_min_iu_per_ml`` when the laboratory
    gives neither a reading nor a cut-off. The matrix informs the next step; it never decides
    the status.

    ## Why it matters
    Overt hypothyroidism is treated with levothyroxine. Subclinical hypothyroidism is common in
    RPL (12.9%) with no clear association (Dong 2020); ESHRE suggests levothyroxine may reduce
    miscarriage (conditional) and ATA 2017 grades it by TPO status and TSH. The investigation
    plan reads the derivation ``cause_thyroid_dysfunction`` for "unexplained" RPL and RIF.

    ## Not assessed when
    No TSH result and no thyroid condition recorded. A requested TSH without a result is not a
    result.

    ## Example
    TSH 5.2 mIU/L without a laboratory range (above the 4.0 fallback), free T4 12 pmol/L
    within 10–22, TPO antibodies negative: supported, subclinical hypothyroidism; ATA 2017:
    levothyroxine may be considered (weak, low).
    """
    return facts.derived("cause_thyroid_dysfunction")


@rule(
    id="THY-CAUSE-002",
    name="thyroid-autoimmunity",
    kind="cause",
    implements=[
        "eshre-rpl-2022/test-tpo-antibodies",
        "rcog-gtg17-2023/test-thyroid",
        "eshre-rif-2023/thyroid-testing",
        "dong-2020/sch-not-associated",
        "tablet-2019/no-benefit-euthyroid-tpo",
        "t4life-2022/no-benefit-euthyroid-tpo-rpl",
        "eshre-rpl-2022/no-lt4-euthyroid-tai",
        "ata-2017/lt4-tpo-positive-tsh-above-2-5",
        "ata-2017/lt4-tpo-positive-prior-loss",
        "ata-2017/no-ivig-euthyroid-rpl",
        "nidation-defaults/tpo-positive-recheck-tsh-in-pregnancy",
    ],
    uses=["thyroid.tpo_ab_positive_min_iu_per_ml", "table:endocrine_ata_2017_lt4"],
    because={
        SUPPORTED: "TPO antibodies {tpo_reading} ({tpo_ab} IU/mL); thyroid function: "
        "{thyroid_function}. Thyroid autoimmunity is associated with pregnancy loss (OR 1.94, "
        "Dong 2020), without a treatment effect in euthyroid women",
        RULED_OUT: "TPO antibodies {tpo_reading} ({tpo_ab} IU/mL)",
        NOT_ASSESSED: "No TPO antibody result",
    },
    next_step={
        SUPPORTED: "If euthyroid, do not start levothyroxine for the antibodies alone: it did "
        "not improve live birth (TABLET, T4LIFE) and ESHRE advises against it; IVIG is not "
        "indicated (ATA). ATA-2017 for {ata_2017_cell}: levothyroxine {ata_2017_lt4} "
        "({ata_2017_grade}). Check TSH early in pregnancy",
        NOT_ASSESSED: "Test TPO antibodies (ESHRE, RCOG; ESHRE 2023 for RIF)",
    },
)
def thyroid_autoimmunity(facts: Facts, kb: Knowledge) -> ir.Table:
    """Thyroid autoimmunity: positive thyroid peroxidase (TPO) antibodies.

    ## What it decides
    Supported when the latest TPO antibody result is positive — the laboratory's qualitative
    reading when given, else the value above the laboratory's ``reference_high``, else at or
    above ``thyroid.tpo_ab_positive_min_iu_per_ml`` — or, with no result, when thyroid
    autoimmunity is recorded. Ruled out when the latest result is negative. Evidence: whether
    she is euthyroid (from ``cause_thyroid_dysfunction``) and her ATA 2017 cell
    (``table:endocrine_ata_2017_lt4``).

    ## Why it matters
    TPO positivity is associated with RPL (OR 1.94) but levothyroxine did not improve live
    birth in euthyroid TPO-positive women (TABLET 37.4% vs 37.9%; T4LIFE 50% vs 48%), so ESHRE
    advises against it; ATA 2017 still says it may be considered above TSH 2.5 mIU/L or after a
    previous loss. TPO status also sets the ATA TSH threshold for levothyroxine.

    ## Not assessed when
    No TPO antibody result (or only an indeterminate reading without a value) and no thyroid
    autoimmunity recorded.

    ## Example
    TPO antibodies 210 IU/mL (laboratory reads positive), TSH 3.4 mIU/L within 0.4–4.0:
    supported, euthyroid; ATA 2017 cell "TPOAb+, TSH above 2.5 mIU/L within the upper limit":
    levothyroxine may be considered (weak, moderate), but no benefit in TABLET/T4LIFE.
    """
    return facts.derived("cause_thyroid_autoimmunity")


DERIVATIONS = {
    "cause_thyroid_dysfunction": Derivation(cause_thyroid_dysfunction),
    "cause_thyroid_autoimmunity": Derivation(cause_thyroid_autoimmunity),
}

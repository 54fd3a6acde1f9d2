"""The endometrium: thickness, chronic endometritis, microbiome and uterine NK cells."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import DECIMALS, compare
from nidation.knowledge import Knowledge
from nidation.rules.uterine.exams import deciding_row, findings_of, for_everyone, number_text

TRANSFER_FIRST = 1
"""Order among measurements of the same day: a transfer's measurement before a finding's."""


@rule(
    id="END-CAUSE-001",
    name="thin-endometrium",
    kind="cause",
    implements=[
        "liu-2018/thin-endometrium",
        "ata-2023-emt/no-threshold-euploid",
        "eshre-rif-2023/endometrial-thickness-no-cutoff",
    ],
    uses=["endometrium.thin_frozen_max_mm", "endometrium.thin_fresh_max_mm"],
    because={
        SUPPORTED: "Thin endometrium at the latest measurement: {measurement}. A lower chance "
        "per transfer to discuss — a counselling point, never a RIF label on its own",
        RULED_OUT: "Endometrium not thin at the latest measurement: {measurement}",
        NOT_ASSESSED: "No endometrial thickness recorded",
    },
    next_step={
        SUPPORTED: "Counsel on the lower chance per transfer; no cut-off forbids transfer "
        "(none predicts live birth with euploid embryos); PRP and G-CSF are research only",
        NOT_ASSESSED: "Record the endometrial thickness at each transfer",
    },
)
def thin_endometrium(facts: Facts, kb: Knowledge) -> ir.Table:
    """A thin endometrium, as a counselling flag.

    ## What it decides
    Whether the latest endometrial thickness recorded is thin: at a transfer, below
    ``endometrium.thin_frozen_max_mm`` for a frozen and ``endometrium.thin_fresh_max_mm`` for a
    fresh transfer; in a ``thin_endometrium`` finding, its thickness against the frozen-transfer
    cut-off (the §3.7 counselling flag), or its reading when no thickness is given. Supported
    when thin, ruled out otherwise. The thinnest value recorded is shown beside it.

    ## Why it matters
    Live birth falls progressively below 8 mm in fresh and 7 mm in frozen transfers (Liu
    2018), but thickness discriminates poorly and no threshold predicted live birth with
    single euploid frozen transfers (Ata 2023): a reason to counsel, never a RIF label.

    ## Not assessed when
    No thickness is recorded at any transfer and no endometrial-thickness finding exists.

    ## Example
    A frozen transfer at 6.9 mm: supported. A fresh transfer at 8.0 mm: ruled out.
    """
    frozen = kb.value("endometrium.thin_frozen_max_mm")
    fresh = kb.value("endometrium.thin_fresh_max_mm")
    frozen_op = kb.threshold("endometrium.thin_frozen_max_mm").operator or "<"
    fresh_op = kb.threshold("endometrium.thin_fresh_max_mm").operator or "<"
    t = facts.transfers
    t = t.filter(t.endometrial_thickness_mm.notnull())
    is_fresh = t.kind == "fresh"
    thin_at_transfer = ibis.ifelse(
        is_fresh,
        compare(t.endometrial_thickness_mm, fresh_op, fresh),
        compare(t.endometrial_thickness_mm, frozen_op, frozen),
    )
    from_transfers = t.select(
        "patient_id",
        endometrial_thickness_mm=t.endometrial_thickness_mm,
        measured_at=t.kind + " transfer",
        measured_on=t.date,
        cutoff_mm=ibis.ifelse(is_fresh, fresh, frozen).cast("float64"),
        verdict=ibis.ifelse(thin_at_transfer, SUPPORTED, RULED_OUT),
        _source=ibis.literal(TRANSFER_FIRST),
        _seq=t.seq,
    )
    f = findings_of(facts, "thin_endometrium")
    measured = f.endometrial_thickness_mm.notnull()
    thin_finding = ibis.ifelse(
        measured, compare(f.endometrial_thickness_mm, frozen_op, frozen), f.present
    )
    from_findings = f.select(
        "patient_id",
        endometrial_thickness_mm=f.endometrial_thickness_mm,
        measured_at=ibis.literal("examination"),
        measured_on=f.date,
        cutoff_mm=ibis.ifelse(measured, frozen, ibis.null("float64")).cast("float64"),
        verdict=ibis.ifelse(thin_finding, SUPPORTED, RULED_OUT),
        _source=ibis.literal(0),
        _seq=f.seq,
    )
    rows = ibis.union(from_transfers, from_findings, distinct=False)
    thinnest = rows.group_by("patient_id").aggregate(
        thinnest_mm=rows.endometrial_thickness_mm.min(), measurements=rows.count()
    )
    d = deciding_row(rows, date="measured_on", order=("_source", "_seq"))
    thin = d.verdict == SUPPORTED
    measurement = ibis.ifelse(
        d.endometrial_thickness_mm.notnull(),
        number_text(d.endometrial_thickness_mm)
        + " mm at the "
        + d.measured_at
        + " of "
        + d.measured_on.cast("string").fill_null("an unrecorded date")
        + ibis.ifelse(thin, ", below ", ", not below ")
        + ibis.ifelse(
            d.measured_at == "examination",
            "the frozen-transfer cut-off of ",
            ibis.literal("the ") + d.measured_at + " cut-off of ",
        )
        + number_text(d.cutoff_mm)
        + " mm",
        ibis.ifelse(thin, "reported thin", "reported not thin")
        + " at an examination of "
        + d.measured_on.cast("string").fill_null("an unrecorded date")
        + " (no thickness recorded)",
    )
    d = d.select(
        "patient_id",
        "endometrial_thickness_mm",
        "measured_at",
        "measured_on",
        "cutoff_mm",
        measurement=measurement,
        status=d.verdict,
    )
    d = d.inner_join(thinnest, "patient_id")
    return for_everyone(facts, d)


@rule(
    id="END-CAUSE-002",
    name="chronic-endometritis",
    kind="cause",
    implements=[
        "eshre-rif-2023/chronic-endometritis-testing",
        "herlihy-2022/cd138-no-effect-euploid",
        "vitagliano-2018/benefit-only-if-cured",
        "eshre-rpl-2022/chronic-endometritis-insufficient",
    ],
    uses=["endometritis.cd138_cutoff_cells", "table:uterine_cd138_denominators"],
    because={
        SUPPORTED: "Chronic endometritis: {criterion}, biopsy of {exam_date}. "
        "The evidence is uncertain: no CD138 cut-off "
        "({kb[endometritis.cd138_min_cells_per_10hpf]}, "
        "{kb[endometritis.cd138_intermediate_min_cells_per_10hpf]} or "
        "{kb[endometritis.cd138_strict_min_cells_per_10hpf]} per 10 HPF) changed euploid "
        "single-transfer outcomes (Herlihy 2022)",
        RULED_OUT: "No chronic endometritis: {criterion}, biopsy of {exam_date}",
        NOT_ASSESSED: "{criterion}",
    },
    next_step={
        SUPPORTED: "Antibiotics could be considered, with a repeat biopsy to document cure "
        "(benefit seen only when cured); evidence uncertain",
    },
)
def chronic_endometritis(facts: Facts, kb: Knowledge) -> ir.Table:
    """Chronic endometritis by CD138+ plasma-cell count.

    ## What it decides
    Whether the latest endometrial biopsy shows chronic endometritis: its CD138+ count,
    converted to the cut-off's denominator, compared with ``endometritis.cd138_cutoff_cells``
    (default ≥5 per 10 HPF; the denominator is the row of ``uterine_cd138_denominators``
    marked ``cutoff_denominator``). A count per HPF is multiplied by 10 for a per-10-HPF
    cut-off; a count per mm² has no defined conversion. Without a count, the laboratory's
    reading (``present``) decides. Several biopsies on one day: any positive one.

    ## Why it matters
    CE was found in a third of women with RIF and cured CE was associated with better
    outcomes than persistent CE, but with euploid single transfers no cut-off changed the
    outcome: the link is weak and uncertain.

    ## Not assessed when
    No biopsy is recorded; the count is in a denominator that cannot be converted to the
    cut-off's; or a count is given without its denominator.

    ## Example
    6 CD138+ cells per 10 HPF: supported. 0.5 per HPF (5 per 10 HPF): supported. 12 per mm²:
    not assessed.
    """
    cutoff = kb.value("endometritis.cd138_cutoff_cells")
    op = kb.threshold("endometritis.cd138_cutoff_cells").operator or ">="
    dens = facts.kb_table("uterine_cd138_denominators")
    cut = dens.filter(dens.cutoff_denominator).select(
        _cut_den=dens.denominator, _cut_hpf=dens.hpf_fields, cutoff_denominator=dens.label
    )
    f = findings_of(facts, "chronic_endometritis")
    t = f.left_join(dens, f.cd138_denominator == dens.denominator).select(
        f, _row_hpf=dens.hpf_fields, _row_label=dens.label
    )
    t = t.cross_join(cut)
    count = t.cd138_count
    converted = ibis.cases(
        (count.isnull() | t.cd138_denominator.isnull(), ibis.null("float64")),
        (t.cd138_denominator == t._cut_den, count),
        (
            t._row_hpf.notnull() & t._cut_hpf.notnull(),
            count * t._cut_hpf / t._row_hpf,
        ),
        else_=ibis.null("float64"),
    ).round(DECIMALS)
    positive = compare(converted, op, cutoff)
    verdict = ibis.cases(
        (count.isnull(), ibis.ifelse(t.present, SUPPORTED, RULED_OUT)),
        (converted.isnull(), NOT_ASSESSED),
        (positive, SUPPORTED),
        else_=RULED_OUT,
    )
    criterion = ibis.cases(
        (
            count.isnull(),
            ibis.ifelse(
                t.present,
                "reported present by the laboratory (no CD138 count recorded)",
                "reported absent by the laboratory (no CD138 count recorded)",
            ),
        ),
        (
            t.cd138_denominator.isnull(),
            "CD138 count recorded without its denominator: cannot compare with the cut-off",
        ),
        (
            converted.isnull(),
            ibis.literal("CD138 count recorded ")
            + t._row_label.fill_null(t.cd138_denominator)
            + ", which cannot be converted to the cut-off's denominator ("
            + t.cutoff_denominator
            + ")",
        ),
        else_=ibis.literal("CD138+ plasma cells ")
        + number_text(converted)
        + " "
        + t.cutoff_denominator
        + ibis.ifelse(positive, ", at or above", ", below")
        + " the cut-off of "
        + number_text(ibis.literal(cutoff)),
    )
    rows = t.mutate(verdict=verdict, cd138_per_cutoff_denominator=converted, criterion=criterion)
    d = deciding_row(rows)
    d = d.select(
        "patient_id",
        "cd138_count",
        "cd138_denominator",
        "cd138_per_cutoff_denominator",
        "cutoff_denominator",
        "criterion",
        "method",
        exam_date=d.date,
        status=d.verdict,
    )
    out = for_everyone(facts, d)
    return out.mutate(criterion=out.criterion.fill_null("No endometrial biopsy for CD138 recorded"))


@rule(
    id="END-CAUSE-003",
    name="endometrial-microbiome",
    kind="cause",
    implements=["moreno-2016/lactobacillus-dominance", "eshre-rif-2023/microbiome-not-recommended"],
    uses=["microbiome.lactobacillus_dominated_min_pct"],
    because={
        SUPPORTED: "Non-Lactobacillus-dominated endometrial microbiome ({microbiome_reading}) "
        "on {exam_date}. Research-grade only: ESHRE RIF 2023 advises against microbiome testing "
        "and no treatment is proven",
        RULED_OUT: "Lactobacillus-dominated endometrial microbiome ({microbiome_reading}) on "
        "{exam_date}. Research-grade only: ESHRE RIF 2023 advises against microbiome testing",
        NOT_ASSESSED: "Endometrial microbiome not tested (ESHRE RIF 2023 advises against the test)",
    },
)
def endometrial_microbiome(facts: Facts, kb: Knowledge) -> ir.Table:
    """A non-Lactobacillus-dominated endometrial microbiome (research grade).

    ## What it decides
    Whether the latest endometrial microbiome result is non-Lactobacillus-dominated: a
    Lactobacillus share that does not reach ``microbiome.lactobacillus_dominated_min_pct``
    supports it, a share at or above rules it out; without a share the laboratory's reading
    (``present``) decides.

    ## Why it matters
    A non-dominated microbiome was associated with lower implantation and live birth (Moreno
    2016), but there is no interventional proof and ESHRE RIF 2023 advises against the test:
    a result is shown, never sought.

    ## Not assessed when
    No microbiome result is recorded (the usual, advised state).

    ## Example
    Lactobacillus 89.9%: supported. 90%: ruled out.
    """
    key = "microbiome.lactobacillus_dominated_min_pct"
    threshold = kb.value(key)
    op = kb.threshold(key).operator or ">="
    f = findings_of(facts, "endometrial_microbiome")
    pct = f.lactobacillus_pct
    dominated = compare(pct, op, threshold)
    verdict = ibis.cases(
        (pct.isnull(), ibis.ifelse(f.present, SUPPORTED, RULED_OUT)),
        (dominated, RULED_OUT),
        else_=SUPPORTED,
    )
    reading = ibis.ifelse(
        pct.isnull(),
        "laboratory reading, no Lactobacillus share recorded",
        ibis.literal("Lactobacillus ") + number_text(pct) + "%",
    )
    rows = f.mutate(verdict=verdict, microbiome_reading=reading)
    d = deciding_row(rows)
    d = d.select(
        "patient_id",
        "lactobacillus_pct",
        "microbiome_reading",
        "method",
        exam_date=d.date,
        status=d.verdict,
    )
    return for_everyone(facts, d)


@rule(
    id="IMM-CAUSE-002",
    name="uterine-nk-cells",
    kind="cause",
    implements=[
        "eshre-rif-2023/immune-testing-not-recommended",
        "eshre-rpl-2017/nk-cells-insufficient-evidence",
        "rcog-gtg17-2023/immunology-research-only",
    ],
    because={
        NOT_ASSESSED: "Uterine NK cells: {nk_reading}. Never counted as a cause: testing is "
        "advised against (ESHRE RIF 2023; ESHRE RPL: insufficient evidence, strong) and no "
        "assay is validated",
    },
    next_step={NOT_ASSESSED: "Do not base treatment on NK-cell results"},
)
def uterine_nk_cells(facts: Facts, kb: Knowledge) -> ir.Table:
    """Uterine natural killer cells: reported, never a supported cause.

    ## What it decides
    Nothing about cause: the status is always not assessed. When a ``uterine_nk_cells`` finding
    exists, the latest one is reported (raised or not, date, method) with the guideline stance.

    ## Why it matters
    No NK-cell assay is validated; ESHRE RPL finds insufficient evidence to recommend the test
    (strong, very low quality), RCOG keeps it to research and ESHRE RIF 2023 advises against
    it. A raised result must not lead to immunotherapy.

    ## Not assessed when
    Always (by design); the evidence says whether a result exists.

    ## Example
    Raised uterine NK cells on biopsy: not assessed, with the result and the stance.
    """
    f = findings_of(facts, "uterine_nk_cells")
    rows = f.mutate(verdict=ibis.ifelse(f.present, SUPPORTED, RULED_OUT))
    d = deciding_row(rows)
    d = d.select(
        "patient_id",
        "method",
        nk_reported_raised=d.present,
        exam_date=d.date,
        nk_reading=ibis.ifelse(d.present, "reported raised", "reported not raised")
        + ibis.literal(" on ")
        + d.date.cast("string").fill_null("an unrecorded date"),
        status=ibis.literal(NOT_ASSESSED),
    )
    out = for_everyone(facts, d)
    return out.mutate(nk_reading=out.nk_reading.fill_null("not tested"))

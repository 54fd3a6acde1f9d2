"""The investigation plans: the RPL work-up, the RIF work-up and the genetics work-up."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import DECISIVENESS, NOT_ASSESSED
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge
from nidation.rules.workup.catalogue import (
    ADVISED_AGAINST,
    DONE,
    DUE,
    GENETICS_RECORDS,
    NOT_INDICATED,
    REPEAT_DUE,
    TABLE,
)

ITEM_EVIDENCE = (
    "display",
    "indication",
    "stance",
    "strength",
    "recommendation",
    "loinc",
    "to_order",
    "reason",
    "requested",
    "requested_date",
    "pending",
    "date",
    "value",
    "unit",
    "result",
    "first_positive_date",
    "earliest_repeat_date",
)
SUMMARY_ORDER = (DUE, REPEAT_DUE, DONE, ADVISED_AGAINST, NOT_INDICATED)

BECAUSE = dict.fromkeys((*SUMMARY_ORDER, NOT_ASSESSED), "{display}: {line}")
NEXT_STEP = {
    DUE: "Order {to_order}",
    REPEAT_DUE: "Repeat {to_repeat} on or after {earliest_repeat_date}",
}


def items(facts: Facts, indications: tuple[str, ...], *, genetics: bool) -> ir.Table:
    """The catalogue items of these indications (advised-against ones excluded): genetics
    items (pregnancy tissue, karyotypes) or all the others, each with its sentence."""
    it = facts.derived("investigation_items")
    genetic = it.done_record.isin(GENETICS_RECORDS).fill_null(False)
    chosen = it.filter(
        it.indication.isin(indications)
        & (it.stance != "advised_against")
        & (genetic if genetics else ~genetic)
    )
    return chosen.select(
        "patient_id",
        *ITEM_EVIDENCE,
        item=chosen.investigation,
        status=chosen.status,
        priority=chosen.stance_priority,
        line=item_line(chosen),
    )


def item_line(t: ir.Table) -> ir.StringValue:
    """The sentence that explains one item's status."""
    repeat = (
        "positive on "
        + t.first_positive_date.cast("string")
        + "; persistence needs a repeat on or after "
        + t.earliest_repeat_date.cast("string")
    )
    return ibis.cases(
        (
            t.status == DUE,
            "not done yet"
            + t.pending
            + "; "
            + t.stance
            + " ("
            + t.recommendation
            + ", "
            + t.strength
            + "). "
            + t.reason,
        ),
        (t.status == REPEAT_DUE, repeat),
        (
            t.status == DONE,
            "done on "
            + ibis.coalesce(t.date.cast("string"), "an unrecorded date")
            + ": "
            + t.result,
        ),
        (t.status == ADVISED_AGAINST, "advised against. " + t.reason),
        else_=t.reason,
    )


def listed_with_summary(
    listed: ir.Table, fallback: ir.Table, *, title: str, carry: tuple[str, ...] = ()
) -> ir.Table:
    """The items, a summary row per patient (``item`` null: the status of the most pressing
    item and the items by status), and ``fallback`` for patients with no item. Where an item
    has several rows, the one the engine keeps (most decisive, then highest priority) counts."""
    for name, dtype in (
        ("loinc", "string"),
        ("to_order", "string"),
        ("earliest_repeat_date", "date"),
    ):
        if name not in listed.columns:
            listed = listed.mutate(**{name: ibis.null(dtype)})
    rank = listed.status.substitute(DECISIVENESS, else_=0)
    # Ties between indications of the same item break on the indication's name, so the row
    # kept never depends on the order a backend produced the rows in.
    order = [ibis.desc(rank), ibis.desc(listed.priority), listed.indication]
    listed = listed.mutate(
        _n=ibis.row_number().over(group_by=["patient_id", "item"], order_by=order)
    )
    listed = listed.filter(listed._n == 0).drop("_n")
    n = {s: count_if(listed.status == s) for s in SUMMARY_ORDER}
    names = {
        f"{s}_items": ibis.ifelse(
            n[s] > 0, listed.item.collect(where=listed.status == s).sort().join(", "), None
        )
        for s in SUMMARY_ORDER
    }
    due = listed.status == DUE
    g = listed.group_by("patient_id").aggregate(
        **names,
        due_loinc=ibis.ifelse(
            count_if(due & listed.loinc.notnull()) > 0,
            listed.loinc.collect(where=due).sort().join(", "),
            None,
        ),
        to_order=ibis.ifelse(
            n[DUE] > 0, listed.to_order.collect(where=due).sort().join("; "), None
        ),
        to_repeat=ibis.ifelse(
            n[REPEAT_DUE] > 0,
            listed.display.collect(where=listed.status == REPEAT_DUE).sort().join(", "),
            None,
        ),
        earliest_repeat_date=listed.earliest_repeat_date.min(),
        **{f"n_{s}": n[s] for s in SUMMARY_ORDER},
        **{name: listed[name].max() for name in carry},
    )
    status = ibis.cases(*[(g[f"n_{s}"] > 0, s) for s in SUMMARY_ORDER], else_=NOT_INDICATED)
    parts = [
        ibis.coalesce(label + g[f"{s}_items"], "")
        for s, label in (
            (DUE, "; due: "),
            (REPEAT_DUE, "; repeat due: "),
            (DONE, "; done: "),
            (ADVISED_AGAINST, "; advised against: "),
            (NOT_INDICATED, "; not indicated: "),
        )
    ]
    line = parts[0]
    for part in parts[1:]:
        line = line + part
    summary = g.mutate(
        status=status,
        display=ibis.literal(title),
        line=line.substr(2),
        priority=ibis.literal(0),
    )
    for extra in (summary, fallback):
        for name, dtype in extra.schema().items():
            if name not in listed.columns:
                listed = listed.mutate(**{name: ibis.null(dtype)})
    every = listed.schema()
    rest = fallback.anti_join(g.select("patient_id"), "patient_id")
    return ibis.union(
        listed,
        conform(summary, every),
        conform(rest, every),
        distinct=False,
    )


def conform(table: ir.Table, schema: ibis.Schema) -> ir.Table:
    """``table`` with exactly ``schema``'s columns, in order (missing ones null)."""
    return table.select(
        **{
            name: (table[name] if name in table.columns else ibis.null(dtype)).cast(dtype)
            for name, dtype in schema.items()
        }
    )


@rule(
    id="INV-PLAN-001",
    name="rpl-workup",
    kind="investigation",
    implements=[
        "eshre-rpl-2022/investigate-after-two-losses",
        "eshre-rpl-2022/test-lupus-anticoagulant",
        "eshre-rpl-2022/test-anticardiolipin",
        "eshre-rpl-2022/test-anti-b2gpi",
        "eshre-rpl-2022/test-tsh",
        "eshre-rpl-2022/test-tpo-antibodies",
        "eshre-rpl-2022/uterine-anatomy-3d-ultrasound",
        "rcog-gtg17-2023/test-antiphospholipid",
        "rcog-gtg17-2023/test-thyroid",
        "rcog-gtg17-2023/3d-ultrasound",
        "lancet-2021-coomarasamy/essential-tests",
        "eshre-rpl-2017/ana-explanatory",
        "rcog-gtg17-2023/thrombophilia-second-trimester-only",
    ],
    uses=[
        f"table:{TABLE}",
        "rpl.eshre_min_losses",
        "rpl.rcog_min_second_trimester_losses",
        "aps.persistence_min_days",
        "aps.sydney_acl_min_units",
    ],
    because=BECAUSE,
    next_step=NEXT_STEP,
)
def rpl_workup(facts: Facts, kb: Knowledge) -> ir.Table:
    """The recurrent pregnancy loss work-up, test by test.

    ## What it decides
    For a patient who meets ESHRE's RPL definition (RPL-DEF-001: at least
    ``rpl.eshre_min_losses`` losses) or has had a second-trimester loss (RPL-DEF-004: at least
    ``rpl.rcog_min_second_trimester_losses``), one item per investigation of the
    ``investigations`` catalogue for those indications (genetics items are INV-PLAN-003's,
    advised-against ones INV-AVOID-001's): ``due`` when recommended or conditional and not
    done (a request without a result is still due), ``done`` with the latest result,
    ``repeat_due`` when an antiphospholipid test was positive and no result of the same test
    followed at least ``aps.persistence_min_days`` days later (a numeric anticardiolipin
    result counts as positive above ``aps.sydney_acl_min_units``, besides a qualitative
    positive or a value above the laboratory's range), ``not_indicated`` for explanatory or
    selective tests not done. Without either indication: one ``not_indicated`` row.

    ## Why it matters
    The minimum work-up (antiphospholipid antibodies, thyroid, uterine anatomy) finds the
    treatable causes; tests that are not done are listed so nothing is missed.

    ## Not assessed when
    Never: RPL-DEF-001 is always decided; an item not done is ``due``, never "normal".

    ## Example
    Three miscarriages, TSH done, nothing else: lupus anticoagulant, anticardiolipin IgG/IgM,
    TPO antibodies and 3D ultrasound ``due`` (with their LOINC codes), anti-β2GPI ``due``
    (conditional), TSH ``done``.
    """
    listed = items(facts, ("rpl_eshre", "second_trimester_loss"), genetics=False)
    w = facts.derived("workup_indications")
    fallback = w.select(
        "patient_id",
        "eshre_losses",
        status=ibis.literal(NOT_INDICATED),
        display=ibis.literal("RPL work-up"),
        line="not indicated: ESHRE RPL definition not met ("
        + w.eshre_losses.cast("string")
        + " loss(es)) and no second-trimester loss",
        priority=ibis.literal(0),
    )
    return listed_with_summary(listed, fallback, title="RPL work-up")


@rule(
    id="INV-PLAN-002",
    name="rif-workup",
    kind="investigation",
    implements=[
        "eshre-rif-2023/pelvic-ultrasound",
        "eshre-rif-2023/hydrosalpinx-detection",
        "eshre-rif-2023/thyroid-testing",
        "eshre-rif-2023/antiphospholipid-testing",
        "eshre-rif-2023/vitamin-d-testing",
        "eshre-rif-2023/chronic-endometritis-testing",
        "eshre-rif-2023/hysteroscopy-if-imaging-abnormal",
    ],
    uses=[
        f"table:{TABLE}",
        "rif.eshre_cumulative_threshold_fraction",
        "rif.eshre_operator",
    ],
    because=BECAUSE,
    next_step={
        **NEXT_STEP,
        NOT_ASSESSED: "Record what RIF-DEF-001 needs (age at retrieval, stage and PGT-A of "
        "every transferred embryo)",
    },
)
def rif_workup(facts: Facts, kb: Knowledge) -> ir.Table:
    """The recurrent implantation failure work-up, test by test.

    ## What it decides
    For a patient who meets ESHRE's RIF description (RIF-DEF-001: the cumulative predicted
    chance of implantation reached ``rif.eshre_cumulative_threshold_fraction`` by
    ``rif.eshre_operator``), one item per investigation of the ``investigations`` catalogue
    for ``rif_eshre`` (genetics items are INV-PLAN-003's, advised-against ones
    INV-AVOID-001's), with the same statuses as INV-PLAN-001: pelvic ultrasound, a search for
    hydrosalpinx, TSH and TPO antibodies recommended; antiphospholipid antibodies
    (``repeat_due`` after a positive result, as in INV-PLAN-001, by ``aps.persistence_min_days``
    and ``aps.sydney_acl_min_units``), vitamin D and an endometrial biopsy for chronic
    endometritis conditional. RIF not met: one ``not_indicated`` row.

    ## Why it matters
    ESHRE suggests investigating once the expected chance of implantation has been used up.

    ## Not assessed when
    RIF-DEF-001 is not assessed (an embryo's predicted chance is unknown): one
    ``not_assessed`` row.

    ## Example
    Four failed transfers (cumulative chance 90%), 3D ultrasound U0, TSH and TPO done: the
    hydrosalpinx search ``due`` unless recorded, antiphospholipid antibodies, vitamin D and the
    CD138 biopsy ``due`` (conditional).
    """
    listed = items(facts, ("rif_eshre",), genetics=False)
    w = facts.derived("workup_indications")
    unknown = w.rif_status == NOT_ASSESSED
    fallback = w.select(
        "patient_id",
        "cumulative_chance",
        status=ibis.ifelse(unknown, NOT_ASSESSED, NOT_INDICATED),
        display=ibis.literal("RIF work-up"),
        line=ibis.ifelse(
            unknown,
            "ESHRE RIF criterion not assessed (an embryo's predicted chance is unknown)",
            "not indicated: ESHRE RIF criterion not met",
        ),
        priority=ibis.literal(0),
    )
    return listed_with_summary(listed, fallback, title="RIF work-up")


@rule(
    id="INV-PLAN-003",
    name="genetics-workup",
    kind="investigation",
    implements=[
        "rcog-gtg17-2023/poc-cytogenetics",
        "rcog-gtg17-2023/parental-karyotype-after-unbalanced-poc",
        "rcog-gtg17-2023/parental-karyotype-if-poc-untestable",
        "eshre-rpl-2022/poc-genetics-explanatory",
        "eshre-rpl-2022/parental-karyotype-individual-risk",
        "eshre-rif-2023/parental-karyotype",
    ],
    uses=[
        f"table:{TABLE}",
        "workup.rcog_poc_min_miscarriage_number",
        "rpl.rcog_min_second_trimester_losses",
    ],
    because=BECAUSE,
    next_step={
        **NEXT_STEP,
        NOT_INDICATED: "Send the tissue of miscarriage number "
        "{kb[workup.rcog_poc_min_miscarriage_number]} onwards, and of any second-trimester "
        "loss, for array-based cytogenetics",
    },
)
def genetics_workup(facts: Facts, kb: Knowledge) -> ir.Table:
    """Pregnancy-tissue genetics and parental karyotypes.

    ## What it decides
    ``poc_genetics``: RCOG asks for cytogenetics of the tissue of the
    ``workup.rcog_poc_min_miscarriage_number``-th and later miscarriages (visualised losses
    in record order) and of any second-trimester loss (``rpl.rcog_min_second_trimester_losses``);
    ``due`` when the latest such loss has no result, ``done`` when it has one (a failed test
    included). ``parental_karyotype``: ``due`` when a pregnancy-tissue result was an
    unbalanced structural abnormality or the test failed (RCOG), ``done`` once both partners'
    karyotypes are recorded; conditional in RIF; after ESHRE RPL alone it rests on an
    individual risk assessment (``not_indicated`` unless done). Otherwise ``not_indicated``.

    ## Why it matters
    Pregnancy-tissue genetics explains a loss and decides whether parental karyotyping is
    worth doing; a parental balanced rearrangement changes counselling (PGT-SR).

    ## Not assessed when
    Never: both items are always decided from the pregnancy record.

    ## Example
    Three miscarriages, the third not tested: ``poc_genetics`` due. A trisomy 16 result on
    the third: ``done``, and parental karyotype ``not_indicated`` (not unbalanced).
    """
    indications = (
        "rpl_eshre",
        "rif_eshre",
        "second_trimester_loss",
        "rcog_third_miscarriage",
        "unbalanced_poc_or_failed",
    )
    listed = items(facts, indications, genetics=True)
    w = facts.derived("workup_indications")
    j = listed.left_join(w, listed.patient_id == w.patient_id)
    rcog = (j.item == "poc_genetics") & j.indication.isin(
        ("rcog_third_miscarriage", "second_trimester_loss")
    )
    tested = j.poc_result.notnull()
    status = ibis.ifelse(rcog, ibis.ifelse(tested, DONE, DUE), j.status)
    listed = j.select(
        listed.patient_id,
        *[listed[c] for c in listed.columns if c not in {"patient_id", "status", "line"}],
        status=status,
        miscarriages=j.miscarriages,
        detail=ibis.cases(
            (rcog & ~tested, "; the latest indicated loss (" + j.poc_pregnancy + ") has no result"),
            (
                (j.item == "parental_karyotype") & (j.indication == "unbalanced_poc_or_failed"),
                "; pregnancy tissue " + j.karyotype_trigger_pregnancy + ": " + j.karyotype_trigger,
            ),
            else_="",
        ),
    )
    listed = listed.mutate(
        line=ibis.ifelse(
            listed.status == DUE,
            "due: "
            + listed.reason
            + listed.detail
            + " ("
            + listed.recommendation
            + ", "
            + listed.strength
            + ")",
            item_line(listed),
        )
    )
    cat = facts.kb_table(TABLE)
    genetic = cat.filter(cat.done_record.isin(GENETICS_RECORDS))
    names = genetic.group_by(item=genetic.investigation).aggregate(display=genetic.display.min())
    grid = w.cross_join(names)
    none_yet = grid.select(
        "patient_id",
        "item",
        "display",
        "miscarriages",
        status=ibis.literal(NOT_INDICATED),
        reason=ibis.literal("no indication yet"),
        line="not indicated yet (" + grid.miscarriages.cast("string") + " miscarriage(s) recorded)",
        priority=ibis.literal(-1),
    )
    listed = ibis.union(listed, conform(none_yet, listed.schema()), distinct=False)
    return listed_with_summary(
        listed, none_yet.limit(0), title="Genetics work-up", carry=("miscarriages",)
    )

"""Alloimmune and cellular-immune testing (IMM-CAUSE-001): reported, never a proven cause."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge
from nidation.rules.immune.apl import joined_names
from nidation.rules.immune.aps_classification import attach

IMMUNE_TESTS = {
    "hla_typing": "HLA typing",
    "kir_typing": "KIR typing",
    "anti_hla": "anti-HLA antibodies",
    "anti_hy": "anti-HY antibodies",
    "nk_cells_peripheral": "peripheral NK cells",
    "nk_cells_uterine": "uterine NK cells",
    "cytokines": "cytokines / Th1:Th2",
}
UTERINE_NK_FINDING = "uterine_nk_cells"
ADVICE = (
    "Unproven as a cause: ESHRE advises against HLA, anti-HLA, cytokine and NK-cell testing "
    "(and ESHRE 2023 against HLA/KIR, NK and cytokine testing in implantation failure); "
    "results should not guide treatment"
)


@rule(
    id="IMM-CAUSE-001",
    name="alloimmune-unproven",
    kind="cause",
    implements=[
        "eshre-rpl-2017/hla-typing-not-recommended",
        "eshre-rpl-2017/anti-hla-not-recommended",
        "eshre-rpl-2017/anti-hy-not-recommended",
        "eshre-rpl-2017/nk-cells-insufficient-evidence",
        "eshre-rpl-2017/cytokine-testing-not-recommended",
        "eshre-rif-2023/immune-testing-not-recommended",
        "rcog-gtg17-2023/immunology-research-only",
    ],
    because={NOT_ASSESSED: "{advice}; results on record: {tests_done}"},
    next_step={NOT_ASSESSED: "Do not test or treat for alloimmune causes outside research"},
)
def alloimmune_unproven(facts: Facts, kb: Knowledge) -> ir.Table:
    """Alloimmune and cellular-immune causes (HLA sharing, KIR, anti-HLA, NK cells,
    cytokines): unproven, so never a supported cause.

    ## What it decides
    Nothing about the cause: the status is always not assessed, because guidelines do not
    accept these tests as showing a cause. Evidence says whether any such result is on
    record (``tested``, ``tests_done``) and carries ESHRE's advice against testing.

    ## Why it matters
    Results of these tests are often brought by patients or other clinics and used to
    justify unproven immunotherapies (steroids, IVIG, intralipid); the report must say they
    prove nothing and were advised against.

    ## Not assessed when
    Always: an abnormal result is not accepted as a cause, a normal one rules nothing out.

    ## Example
    Peripheral NK cells 18%: not assessed, tested true, with the advice against testing.
    """
    labs = facts.labs
    labs = labs.filter(labs.test.isin(tuple(IMMUNE_TESTS)))
    per = labs.group_by("patient_id").aggregate(
        **{f"_t_{t}": count_if(labs.test == t) > 0 for t in IMMUNE_TESTS}
    )
    f = facts.findings
    f = f.filter(f.kind == UTERINE_NK_FINDING)
    fnd = f.group_by("patient_id").aggregate(_t_finding=f.count() > 0)
    j = attach(facts.patients.select("patient_id"), per, fnd)
    flags = {name: j[f"_t_{t}"].fill_null(False) for t, name in IMMUNE_TESTS.items()}
    flags["uterine NK cells (biopsy)"] = j._t_finding.fill_null(False)
    done = joined_names(flags)
    return j.select(
        "patient_id",
        status=ibis.literal(NOT_ASSESSED),
        tested=done.notnull(),
        tests_done=done.fill_null("none"),
        advice=ibis.literal(ADVICE),
    )

"""Inherited thrombophilia (THR-CAUSE-001)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import count_if, tri_state
from nidation.knowledge import Knowledge
from nidation.rules.immune.apl import joined_names
from nidation.rules.immune.aps_classification import attach

GENOTYPES = {"factor_v_leiden": "factor V Leiden", "prothrombin_g20210a": "prothrombin G20210A"}
ACTIVITIES = {"protein_c": "protein C", "protein_s": "protein S", "antithrombin": "antithrombin"}
THROMBOPHILIA_CONDITIONS = ("inherited_thrombophilia",)


@rule(
    id="THR-CAUSE-001",
    name="inherited-thrombophilia",
    kind="cause",
    implements=[
        "rcog-gtg17-2023/thrombophilia-second-trimester-only",
        "eshre-rpl-2022/no-inherited-thrombophilia-testing",
        "eshre-rpl-2017/no-antithrombotic-hereditary-thrombophilia",
        "alife2-2023/no-benefit-inherited-thrombophilia",
    ],
    uses=["rpl.rcog_min_second_trimester_losses"],
    because={
        SUPPORTED: "Inherited thrombophilia: {found}; {relevance}; heparin did not improve "
        "live birth (ALIFE2)",
        RULED_OUT: "Factor V Leiden, prothrombin G20210A, protein C, protein S and "
        "antithrombin all normal",
        NOT_ASSESSED: "No inherited thrombophilia recorded; not tested: {missing_tests}; "
        "{relevance}; ESHRE advises against testing without other risk factors",
    },
    next_step={
        SUPPORTED: "No antithrombotic treatment for the pregnancy losses alone (ESHRE, "
        "ALIFE2); assess venous thromboembolism risk separately",
    },
)
def inherited_thrombophilia(facts: Facts, kb: Knowledge) -> ir.Table:
    """Inherited thrombophilia: factor V Leiden, prothrombin G20210A, protein C, protein S or
    antithrombin deficiency.

    ## What it decides
    Supported when a thrombophilia is recorded as a condition, a genotype is positive, or a
    protein C, protein S or antithrombin activity is below the laboratory's reference range;
    ruled out only when all five were tested and normal. Evidence says whether she had a
    second-trimester loss (at least ``rpl.rcog_min_second_trimester_losses``), the only
    setting where RCOG relates thrombophilia to pregnancy loss.

    ## Why it matters
    The association with loss is weak and confined to second-trimester loss; heparin did not
    improve live birth (ALIFE2), so the finding matters for thrombosis risk more than for the
    losses.

    ## Not assessed when
    Any of the five tests is missing or unclear (a genotype with no reading; an activity
    without a reference range). Protein S falls in pregnancy: a low result taken in
    pregnancy needs repeating outside it.

    ## Example
    Factor V Leiden heterozygous (positive) after a loss at 16 weeks: supported, with
    second_trimester_loss true.
    """
    latest = facts.derived("latest_labs")
    tests = (*GENOTYPES, *ACTIVITIES)
    lab = latest.filter(latest.test.isin(tests))
    q = lab.qualitative
    abnormal = ibis.cases(
        (
            lab.test.isin(tuple(GENOTYPES)),
            ibis.cases(
                (q == "positive", True), (q == "negative", False), else_=ibis.null("boolean")
            ),
        ),
        (lab.below_reference.notnull(), lab.below_reference),
        (q == "positive", True),
        (q == "negative", False),
        else_=ibis.null("boolean"),
    )
    lab = lab.mutate(_abnormal=abnormal)

    def flag(test: str, value: ir.BooleanValue) -> ir.BooleanValue:
        return count_if((lab.test == test) & value) > 0

    per = lab.group_by("patient_id").aggregate(
        **{f"_ab_{t}": flag(t, lab._abnormal) for t in tests},
        **{f"_ok_{t}": flag(t, ~lab._abnormal) for t in tests},
    )
    c = facts.conditions
    c = c.filter(c.code.isin(THROMBOPHILIA_CONDITIONS))
    cond = c.group_by("patient_id").aggregate(condition_recorded=c.count() > 0)
    losses = facts.derived("loss_counts").select(
        "patient_id", "rcog_second_trimester", "rcog_second_trimester_possible"
    )
    j = attach(facts.patients.select("patient_id"), per, cond, losses)
    shown = {**GENOTYPES, **ACTIVITIES}
    abnormal_flags = {shown[t]: j[f"_ab_{t}"].fill_null(False) for t in tests}
    found = joined_names(
        {"recorded condition": j.condition_recorded.fill_null(False), **abnormal_flags}
    )
    missing = joined_names(
        {
            shown[t]: ~(j[f"_ab_{t}"].fill_null(False) | j[f"_ok_{t}"].fill_null(False))
            for t in tests
        }
    )
    all_normal = ibis.and_(*[j[f"_ok_{t}"].fill_null(False) for t in tests])
    need = kb.value("rpl.rcog_min_second_trimester_losses")
    second = tri_state(
        certainly=j.rcog_second_trimester.fill_null(0) >= need,
        possibly=j.rcog_second_trimester_possible.fill_null(0) >= need,
        yes="yes",
        no="no",
    )
    return j.select(
        "patient_id",
        status=ibis.cases(
            (found.notnull(), SUPPORTED),
            (all_normal, RULED_OUT),
            else_=NOT_ASSESSED,
        ),
        found=found,
        missing_tests=missing,
        rcog_second_trimester=j.rcog_second_trimester.fill_null(0),
        second_trimester_loss=ibis.cases(
            (second == "yes", True), (second == "no", False), else_=ibis.null("boolean")
        ),
        relevance=ibis.cases(
            (
                second == "yes",
                "she had a second-trimester loss, the only loss RCOG relates to thrombophilia",
            ),
            (
                second == "no",
                "she had no second-trimester loss; RCOG relates thrombophilia to "
                "second-trimester loss only",
            ),
            else_="a loss of unknown gestational week may have been second-trimester, the "
            "only loss RCOG relates to thrombophilia",
        ),
    )

"""Hyperprolactinaemia."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.knowledge import Knowledge
from nidation.rules.endocrine.common import check_unit, meets, with_condition, with_latest

UPPER_LIMIT = "prolactin.upper_limit_ng_per_ml"


def cause_hyperprolactinaemia(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): ``supported`` when the latest prolactin is above the upper
    limit — the laboratory's ``reference_high`` (compared in the unit reported) when the result
    carries one, else ``prolactin.upper_limit_ng_per_ml`` in ng/mL (mIU/L results converted) —
    or hyperprolactinaemia is recorded; ``ruled_out`` when the latest prolactin is within the
    limit and nothing is recorded; else ``not_assessed``."""
    check_unit(kb, UPPER_LIMIT, "prolactin")
    t = facts.patients.select("patient_id")
    t = with_latest(t, facts, "prolactin", "prl")
    t = with_condition(t, facts, ["hyperprolactinaemia"], "hyperprolactinaemia_recorded")
    lab_range = t.prl_reference_high.notnull()
    high = ibis.ifelse(
        lab_range, t.prl_above_reference, meets(t.prl_value_canonical, kb, UPPER_LIMIT)
    ).fill_null(False)
    status = ibis.cases(
        (high | t.hyperprolactinaemia_recorded, SUPPORTED),
        (t.prl_value_canonical.notnull(), RULED_OUT),
        else_=NOT_ASSESSED,
    )
    finding = ibis.cases(
        (high, "Prolactin above the upper limit"),
        (t.hyperprolactinaemia_recorded, "Hyperprolactinaemia recorded"),
        else_=ibis.null("string"),
    )
    return t.select(
        "patient_id",
        status=status,
        finding=finding,
        prolactin_ng_per_ml=t.prl_value_canonical.round(2),
        prolactin_reported=t.prl_value,
        prolactin_unit=t.prl_unit,
        upper_limit=ibis.coalesce(t.prl_reference_high, kb.value(UPPER_LIMIT)),
        upper_limit_unit=ibis.ifelse(lab_range, t.prl_unit, kb.threshold(UPPER_LIMIT).unit),
        upper_limit_from=ibis.ifelse(lab_range, "laboratory range", "default upper limit"),
        above_upper_limit=ibis.ifelse(t.prl_value_canonical.notnull(), high, ibis.null("boolean")),
        hyperprolactinaemia_recorded=t.hyperprolactinaemia_recorded,
    )


@rule(
    id="PRL-CAUSE-001",
    name="hyperprolactinaemia",
    kind="cause",
    implements=["eshre-rpl-2022/no-prolactin-unless-symptoms"],
    uses=["prolactin.upper_limit_ng_per_ml"],
    because={
        SUPPORTED: "{finding}: prolactin {prolactin_reported} {prolactin_unit} "
        "({prolactin_ng_per_ml} ng/mL), upper limit {upper_limit} {upper_limit_unit} "
        "({upper_limit_from})",
        RULED_OUT: "Prolactin {prolactin_reported} {prolactin_unit} ({prolactin_ng_per_ml} "
        "ng/mL) within the upper limit of {upper_limit} {upper_limit_unit} ({upper_limit_from})",
        NOT_ASSESSED: "No prolactin result; ESHRE advises testing prolactin only with "
        "symptoms of hyperprolactinaemia (oligo- or amenorrhoea)",
    },
    next_step={
        SUPPORTED: "Repeat the test and look for a cause (drugs, macroprolactin, pituitary) "
        "with endocrinology before treatment; the evidence for treatment in RPL is weak",
        NOT_ASSESSED: "Test prolactin only if she has oligo- or amenorrhoea (ESHRE)",
    },
)
def hyperprolactinaemia(facts: Facts, kb: Knowledge) -> ir.Table:
    """Hyperprolactinaemia.

    ## What it decides
    Supported when the latest prolactin is above the laboratory's ``reference_high`` (when the
    result carries one; compared in the unit reported) or, without a laboratory range, above
    ``prolactin.upper_limit_ng_per_ml`` (results in mIU/L converted to ng/mL), or when
    hyperprolactinaemia is recorded. Ruled out when the latest prolactin is within the limit.

    ## Why it matters
    Hyperprolactinaemia is a weak, treatable association with RPL. ESHRE advises testing it
    only in women with symptoms (oligo- or amenorrhoea), so a missing result is the expected
    state, not a gap in the work-up.

    ## Not assessed when
    No prolactin result and no hyperprolactinaemia recorded.

    ## Example
    Prolactin 640 mIU/L without a laboratory range = 30.2 ng/mL, above the default 25 ng/mL:
    supported.
    """
    return facts.derived("cause_hyperprolactinaemia")


DERIVATIONS = {"cause_hyperprolactinaemia": Derivation(cause_hyperprolactinaemia)}

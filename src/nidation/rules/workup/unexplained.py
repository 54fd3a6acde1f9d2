"""Unexplained RPL and unexplained RIF: the definition met, the minimum work-up complete and
negative."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET, RULED_OUT, SUPPORTED
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge
from nidation.rules.workup.catalogue import TABLE

CAUSES = (
    "cause_aps_lab",
    "cause_thyroid_dysfunction",
    "cause_thyroid_autoimmunity",
    "cause_uterine_anomaly",
    "cause_hydrosalpinx",
)
"""The cause derivations the catalogue may name in ``unexplained_cause`` (computed first)."""

LABELS = {
    "cause_aps_lab": "antiphospholipid antibodies",
    "cause_thyroid_dysfunction": "thyroid dysfunction",
    "cause_thyroid_autoimmunity": "thyroid autoimmunity",
    "cause_uterine_anomaly": "uterine anomaly",
    "cause_hydrosalpinx": "hydrosalpinx",
}


def minimum_workup(kb: Knowledge, indication: str) -> list[str]:
    """The causes the catalogue's minimum work-up of ``indication`` must rule out."""
    causes = sorted(
        {
            str(r["unexplained_cause"])
            for r in kb.tables[TABLE].rows
            if r["indication"] == indication and r["unexplained_cause"]
        }
    )
    unknown = set(causes) - set(CAUSES)
    if unknown or not causes:
        raise RuleDefinitionError(
            f"tables/{TABLE}.csv: the minimum work-up of {indication!r} names "
            f"{sorted(unknown) or 'no cause'}; use {', '.join(CAUSES)}"
        )
    return causes


def _names(flags: list[tuple[ir.BooleanValue, str]]) -> ir.StringValue:
    text: ir.StringValue = ibis.literal("")
    for flag, name in flags:
        text = text + ibis.ifelse(flag.fill_null(False), ", " + ibis.literal(name), "")
    return ibis.ifelse(text == "", ibis.null("string"), text.substr(2))


def _unexplained(facts: Facts, kb: Knowledge, *, indication: str, definition: str) -> ir.Table:
    w = facts.derived("workup_indications")
    causes = minimum_workup(kb, indication)
    t = w.select("patient_id", defined=w[definition])
    for name in causes:
        c = facts.derived(name)
        c = c.select(c.patient_id.cast("string").name("patient_id"), **{name: c.status})
        j = t.left_join(c, t.patient_id == c.patient_id)
        t = j.select(*[t[col] for col in t.columns], c[name])
    supported = [(t[n] == SUPPORTED, LABELS.get(n, n)) for n in causes]
    unknown = [(t[n].isnull() | (t[n] == NOT_ASSESSED), LABELS.get(n, n)) for n in causes]
    any_supported = ibis.literal(False)
    any_unknown = ibis.literal(False)
    for flag, _ in supported:
        any_supported = any_supported | flag.fill_null(False)
    for flag, _ in unknown:
        any_unknown = any_unknown | flag.fill_null(False)
    status = ibis.cases(
        (t.defined == NOT_MET, NOT_MET),
        (any_supported, NOT_MET),
        (t.defined != MET, NOT_ASSESSED),
        (any_unknown, NOT_ASSESSED),
        else_=MET,
    )
    ruled_out = [(t[n] == RULED_OUT, LABELS.get(n, n)) for n in causes]
    return t.select(
        "patient_id",
        definition_status=t.defined,
        status=status,
        supported_causes=_names(supported),
        not_assessed_causes=_names(unknown),
        ruled_out_causes=_names(ruled_out),
        minimum_workup=ibis.literal(", ".join(LABELS.get(n, n) for n in causes)),
        explanation=ibis.ifelse(
            t.defined == NOT_MET,
            "the definition is not met",
            "supported: " + ibis.coalesce(_names(supported), "none"),
        ),
    )


def unexplained_rpl(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient: RPL-DEF-006's decision (see the rule)."""
    return _unexplained(facts, kb, indication="rpl_eshre", definition="rpl_status")


def unexplained_rif(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient: RIF-DEF-005's decision (see the rule)."""
    return _unexplained(facts, kb, indication="rif_eshre", definition="rif_status")


BECAUSE = {
    MET: "The minimum work-up ({minimum_workup}) is complete and negative",
    NOT_MET: "Not unexplained: {explanation}",
    NOT_ASSESSED: "Work-up incomplete: {not_assessed_causes} not assessed "
    "(ruled out: {ruled_out_causes})",
}


@rule(
    id="RPL-DEF-006",
    name="unexplained-rpl",
    kind="criterion",
    implements=[
        "nidation-defaults/unexplained-rpl-minimum-workup",
        "eshre-rpl-2022/test-lupus-anticoagulant",
        "eshre-rpl-2022/test-anticardiolipin",
        "eshre-rpl-2022/test-tsh",
        "eshre-rpl-2022/uterine-anatomy-3d-ultrasound",
        "lancet-2021-coomarasamy/essential-tests",
    ],
    uses=[f"table:{TABLE}", "rpl.eshre_min_losses"],
    because=BECAUSE,
    next_step={
        MET: "Counsel on the good prognosis and offer supportive care; avoid unproven treatments",
        NOT_ASSESSED: "Complete the work-up: {not_assessed_causes}",
    },
)
def unexplained_rpl_rule(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent pregnancy loss with a complete, negative minimum work-up.

    ## What it decides
    Met only when RPL-DEF-001 is met (at least ``rpl.eshre_min_losses`` losses) and every
    cause of the minimum work-up — the ``unexplained_cause`` of the ``investigations`` rows
    for ``rpl_eshre``: antiphospholipid antibodies (``cause_aps_lab``), thyroid dysfunction
    (``cause_thyroid_dysfunction``), uterine anomaly (``cause_uterine_anomaly``) — is ruled
    out. Not met when RPL is not met or any of those causes is supported.

    ## Why it matters
    Unexplained RPL has a good prognosis with supportive care alone; heparin, aspirin,
    steroids, IVIG and similar treatments are not recommended for it.

    ## Not assessed when
    RPL is met, no cause is supported, and a cause of the minimum work-up is not assessed
    (the evidence lists which).

    ## Example
    Four losses; lupus anticoagulant and anticardiolipin negative, TSH normal, 3D ultrasound
    U0: met. The same without the ultrasound: not assessed (uterine anomaly).
    """
    return facts.derived("unexplained_rpl")


@rule(
    id="RIF-DEF-005",
    name="unexplained-rif",
    kind="criterion",
    implements=[
        "nidation-defaults/unexplained-rif-minimum-workup",
        "eshre-rif-2023/pelvic-ultrasound",
        "eshre-rif-2023/hydrosalpinx-detection",
        "eshre-rif-2023/thyroid-testing",
    ],
    uses=[f"table:{TABLE}", "rif.eshre_cumulative_threshold_fraction"],
    because=BECAUSE,
    next_step={NOT_ASSESSED: "Complete the work-up: {not_assessed_causes}"},
)
def unexplained_rif_rule(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent implantation failure with a complete, negative recommended work-up.

    ## What it decides
    Met only when RIF-DEF-001 is met (cumulative predicted chance of implantation at
    ``rif.eshre_cumulative_threshold_fraction``) and every cause of the RIF minimum work-up —
    the ``unexplained_cause`` of the ``investigations`` rows for ``rif_eshre``: uterine
    anomaly (``cause_uterine_anomaly``), hydrosalpinx (``cause_hydrosalpinx``), thyroid
    dysfunction (``cause_thyroid_dysfunction``), the tests ESHRE 2023 recommends for everyone
    (the conditional ones are not required) — is ruled out. Not met when RIF is not met or a
    cause is supported.

    ## Why it matters
    Unexplained RIF is usually embryo-driven chance; it turns counselling towards embryo
    numbers and away from add-on treatments.

    ## Not assessed when
    RIF-DEF-001 is not assessed, or a cause of the minimum work-up is not assessed, and no
    cause is supported.

    ## Example
    RIF at 90% cumulative chance, 3D ultrasound U0, no hydrosalpinx, TSH normal: met.
    """
    return facts.derived("unexplained_rif")


DERIVATIONS = {
    "unexplained_rpl": Derivation(unexplained_rpl),
    "unexplained_rif": Derivation(unexplained_rif),
}

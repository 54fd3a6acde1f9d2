"""A balanced structural chromosome rearrangement in either partner."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge

BALANCED = "balanced_rearrangement"


def cause_parental_rearrangement(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every patient: whether either partner carries a balanced structural rearrangement,
    with both karyotype results and the products-of-conception results that make parental
    karyotyping indicated (an unbalanced structural result, or a failed test)."""
    preg = facts.pregnancies
    poc = preg.group_by("patient_id").aggregate(
        unbalanced_structural_pocs=count_if(preg.poc_genetics == "unbalanced_structural"),
        failed_pocs=count_if(preg.poc_genetics == "failed"),
    )
    p = facts.patients
    j = p.left_join(poc, "patient_id").select(
        p.patient_id,
        her_karyotype=p.karyotype_result,
        her_karyotype_iscn=p.karyotype_iscn.fill_null(""),
        partner_karyotype=p.partner_karyotype_result,
        partner_karyotype_iscn=p.partner_karyotype_iscn.fill_null(""),
        unbalanced_structural_pocs=poc.unbalanced_structural_pocs.fill_null(0),
        failed_pocs=poc.failed_pocs.fill_null(0),
    )
    her, his = j.her_karyotype, j.partner_karyotype
    carrier = (her == BALANCED).fill_null(False) | (his == BALANCED).fill_null(False)
    both_known = her.notnull() & his.notnull()
    status = ibis.cases((carrier, SUPPORTED), (both_known, RULED_OUT), else_=NOT_ASSESSED)
    return j.mutate(
        her_karyotype=her.fill_null("not done"),
        partner_karyotype=his.fill_null("not done"),
        parental_karyotype_indicated=ibis.ifelse(
            (j.unbalanced_structural_pocs > 0) | (j.failed_pocs > 0), "yes", "no"
        ),
        status=status,
    )


@rule(
    id="GEN-CAUSE-001",
    name="parental-structural-rearrangement",
    kind="cause",
    implements=[
        "rcog-gtg17-2023/parental-karyotype-after-unbalanced-poc",
        "rcog-gtg17-2023/parental-karyotype-if-poc-untestable",
        "eshre-rpl-2022/parental-karyotype-individual-risk",
        "eshre-rif-2023/parental-karyotype",
        "franssen-2005/carrier-risk-factors",
        "franssen-2006/carrier-prognosis",
        "ikuma-2015/pgt-sr-versus-natural-conception",
        "nidation-defaults/carrier-genetic-counselling",
    ],
    because={
        SUPPORTED: "A balanced structural rearrangement is carried (her karyotype: "
        "{her_karyotype} {her_karyotype_iscn}; partner: {partner_karyotype} "
        "{partner_karyotype_iscn}). Carrier couples miscarry again more often "
        "({kb[genetics.franssen_carrier_further_miscarriage_pct]}% vs "
        "{kb[genetics.franssen_noncarrier_further_miscarriage_pct]}%) but have a healthy child "
        "about as often ({kb[genetics.franssen_carrier_healthy_child_pct]}% vs "
        "{kb[genetics.franssen_noncarrier_healthy_child_pct]}%; Franssen 2006)",
        RULED_OUT: "Neither karyotype shows a balanced rearrangement (hers: {her_karyotype}; "
        "partner: {partner_karyotype}); an unbalanced structural products-of-conception result "
        "({unbalanced_structural_pocs} recorded) is then de novo",
        NOT_ASSESSED: "Karyotypes incomplete (hers: {her_karyotype}; partner: "
        "{partner_karyotype}); {unbalanced_structural_pocs} unbalanced structural and "
        "{failed_pocs} failed products-of-conception result(s) (parental karyotype indicated "
        "by RCOG: {parental_karyotype_indicated})",
    },
    next_step={
        SUPPORTED: "Refer for genetic counselling: natural conception and PGT-SR give similar "
        "live-birth chances, so counsel on both rather than mandate PGT-SR; offer prenatal "
        "diagnosis in a pregnancy",
        NOT_ASSESSED: "Karyotype the partner(s) not yet tested when a products-of-conception "
        "result was unbalanced or could not be obtained (RCOG); otherwise decide on an "
        "individual risk assessment (ESHRE)",
    },
)
def parental_structural_rearrangement(facts: Facts, kb: Knowledge) -> ir.Table:
    """A balanced structural chromosome rearrangement in either partner.

    ## What it decides
    **Supported** when her karyotype or her partner's shows a balanced rearrangement
    (reciprocal or Robertsonian translocation, inversion), whatever the other shows;
    **ruled out** when both karyotypes are known and neither does (a result classed as
    another abnormality is not a balanced rearrangement); **not assessed** when a karyotype
    is missing. The evidence also counts unbalanced structural products-of-conception
    results and failed products-of-conception tests, after either of which RCOG indicates
    parental karyotyping (``parental_karyotype_indicated``); an unbalanced result with both
    karyotypes normal is then de novo.

    ## Why it matters
    A carrier couple has more unbalanced conceptions and miscarriages but, in the long run,
    a healthy child about as often as non-carriers; genetic counselling covers natural
    conception, PGT-SR and prenatal diagnosis.

    ## Not assessed when
    Her karyotype or her partner's is not recorded (and the other is not a balanced
    rearrangement).

    ## Example
    Partner 46,XY,t(11;22)(q23;q11.2), hers 46,XX: supported.
    """
    return facts.derived("cause_parental_rearrangement")


DERIVATIONS = {"cause_parental_rearrangement": Derivation(cause_parental_rearrangement)}

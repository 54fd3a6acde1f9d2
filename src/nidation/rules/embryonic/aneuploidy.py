"""Embryo aneuploidy as the cause of pregnancy losses and implantation failures."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import age_at, count_if
from nidation.knowledge import Knowledge

LOSS_OUTCOMES = ("biochemical_loss", "pregnancy_of_unknown_location", "miscarriage", "stillbirth")
"""Pregnancies that ended in a loss (an ectopic, molar or terminated pregnancy is not one)."""
ABNORMAL_POC = ("aneuploid", "triploid", "unbalanced_structural")
"""Products-of-conception results that show a chromosomally unbalanced conception."""
BALANCED_POC = ("normal", "balanced_structural")
"""Results that exclude aneuploidy for that loss (a balanced rearrangement is not an imbalance)."""
TESTED_BY_PGTA = ("euploid", "aneuploid", "mosaic")


def _losses(facts: Facts) -> ir.Table:
    """Per patient: the losses and what their products-of-conception genetics showed, the
    latest unbalanced result, and her oldest age at a loss of her own oocytes."""
    p = facts.pregnancies.join(facts.patients, "patient_id")
    p = p.filter(p.outcome.isin(LOSS_OUTCOMES))
    g = p.poc_genetics
    own = (p.conception != "donor_oocyte").fill_null(True)
    age = ibis.coalesce(p.maternal_age_years, age_at(p, p.end_date))
    per = p.group_by("patient_id").aggregate(
        losses=p.count(),
        abnormal_pocs=count_if(g.isin(ABNORMAL_POC)),
        normal_pocs=count_if(g.isin(BALANCED_POC)),
        failed_pocs=count_if(g == "failed"),
        other_abnormal_pocs=count_if(g == "other_abnormal"),
        untested_losses=count_if(g.isnull()),
        oldest_age_at_loss=age.max(where=own),
        _latest=p.seq.max(where=g.isin(ABNORMAL_POC)),
    )
    latest = facts.pregnancies
    j = per.left_join(
        latest, [per.patient_id == latest.patient_id, per._latest == latest.seq]
    ).select(per, _id=latest.id, _result=latest.poc_genetics, _detail=latest.poc_genetics_detail)
    described = ibis.coalesce(
        j._id + " (" + j._result + ": " + j._detail + ")", j._id + " (" + j._result + ")"
    )
    return j.select(*[c for c in per.columns if not c.startswith("_")], abnormal_poc_loss=described)


def _embryos(facts: Facts) -> ir.Table:
    """Per patient: embryos tested by PGT-A and how many were aneuploid (any cycle), and the
    embryos of transfers that ended with a negative hCG and how many of them were euploid."""
    e = facts.embryos
    tested = e.group_by("patient_id").aggregate(
        pgta_tested_embryos=count_if(e.pgt_a.isin(TESTED_BY_PGTA)),
        aneuploid_embryos=count_if(e.pgt_a == "aneuploid"),
    )
    te, t = facts.transfer_embryos, facts.transfers
    failed = te.join(t, [te.patient_id == t.patient_id, te.transfer_id == t.id])
    failed = failed.filter(failed.outcome == "negative_hcg")
    failed = failed.left_join(
        e, [failed.patient_id == e.patient_id, failed.embryo_id == e.id]
    ).select(failed.patient_id, pgt_a=e.pgt_a)
    per_failed = failed.group_by("patient_id").aggregate(
        failed_transfer_embryos=failed.count(),
        euploid_failed_embryos=count_if(failed.pgt_a == "euploid"),
    )
    c = facts.cycles.join(facts.patients, "patient_id")
    own = (c.oocyte_source != "donor").fill_null(True)
    age = ibis.coalesce(c.age_at_retrieval_years, age_at(c, c.retrieval_date))
    retrievals = c.group_by("patient_id").aggregate(oldest_age_at_retrieval=age.max(where=own))
    everyone = facts.patients.select("patient_id")
    out = everyone
    for part in (tested, per_failed, retrievals):
        out = out.left_join(part, "patient_id").select(
            out, *[part[n] for n in part.columns if n != "patient_id"]
        )
    return out


def cause_embryo_aneuploidy(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every patient: whether embryo aneuploidy is supported, ruled out or not assessed, with
    the counts behind it and her oldest age at a loss and at an own-oocyte retrieval."""
    everyone = facts.patients.select("patient_id")
    losses, embryos = _losses(facts), _embryos(facts)
    j = everyone.left_join(losses, "patient_id").select(
        everyone, *[losses[n] for n in losses.columns if n != "patient_id"]
    )
    j = j.join(embryos, "patient_id")
    counts = (
        "losses",
        "abnormal_pocs",
        "normal_pocs",
        "failed_pocs",
        "other_abnormal_pocs",
        "untested_losses",
        "pgta_tested_embryos",
        "aneuploid_embryos",
        "failed_transfer_embryos",
        "euploid_failed_embryos",
    )
    filled = {n: j[n].fill_null(0) for n in counts}
    j = j.mutate(**filled)
    j = j.mutate(
        abnormal_poc_loss=j.abnormal_poc_loss.fill_null("none"),
        untested_failed_embryos=j.failed_transfer_embryos - j.euploid_failed_embryos,
    )
    supported = (j.abnormal_pocs > 0) | (j.aneuploid_embryos > 0)
    failures = j.losses + j.failed_transfer_embryos
    all_excluded = (
        (failures > 0)
        & (j.normal_pocs == j.losses)
        & (j.euploid_failed_embryos == j.failed_transfer_embryos)
    )
    status = ibis.cases((supported, SUPPORTED), (all_excluded, RULED_OUT), else_=NOT_ASSESSED)
    return j.select(
        "patient_id",
        *counts,
        "untested_failed_embryos",
        "abnormal_poc_loss",
        "oldest_age_at_loss",
        "oldest_age_at_retrieval",
        status=status,
    )


_AGE = (
    "oldest age at a loss {oldest_age_at_loss:.1f}, at an own-oocyte retrieval "
    "{oldest_age_at_retrieval:.1f}. Aneuploidy rises with maternal age: "
    "{kb[embryo.harton_blastocyst_aneuploidy_youngest_pct]}% of blastocysts under "
    "{kb[embryo.harton_youngest_group_below_years]} and "
    "{kb[embryo.harton_blastocyst_aneuploidy_oldest_pct]}% over "
    "{kb[embryo.harton_oldest_group_above_years]} (Harton 2013)"
)


@rule(
    id="EMB-CAUSE-001",
    name="embryo-aneuploidy",
    kind="cause",
    implements=[
        "nidation-defaults/embryo-aneuploidy-cause",
        "sahoo-2017/poc-chromosome-abnormality",
        "sahoo-2017/array-preferred-over-culture",
        "harton-2013/aneuploidy-rises-with-age",
        "franasiak-2014/no-euploid-blastocyst-by-age",
        "eshre-rpl-2022/poc-genetics-explanatory",
        "rcog-gtg17-2023/poc-cytogenetics",
        "rcog-gtg17-2023/parental-karyotype-if-poc-untestable",
        "yan-2021/pgt-a-no-cumulative-benefit",
    ],
    because={
        SUPPORTED: "{abnormal_pocs} of {losses} loss(es) had an aneuploid, triploid or "
        "unbalanced products-of-conception result (latest: {abnormal_poc_loss}); PGT-A found "
        "{aneuploid_embryos} aneuploid of {pgta_tested_embryos} tested embryo(s); " + _AGE,
        RULED_OUT: "Every failed conception was chromosomally balanced: {normal_pocs} of "
        "{losses} loss(es) with a normal or balanced products-of-conception result and "
        "{euploid_failed_embryos} of {failed_transfer_embryos} embryo(s) of failed transfers "
        "euploid on PGT-A, no aneuploid finding; " + _AGE,
        NOT_ASSESSED: "No aneuploid finding. Aneuploidy is not the explanation of the "
        "{normal_pocs} loss(es) with a normal or balanced result, but {untested_losses} "
        "loss(es) were not tested, {failed_pocs} test(s) failed (a failed culture is not a "
        "result), {other_abnormal_pocs} showed another abnormality, and "
        "{untested_failed_embryos} embryo(s) of failed transfers were not shown euploid; " + _AGE,
    },
    next_step={
        SUPPORTED: "Counsel that embryo aneuploidy, mostly sporadic and more frequent with "
        "maternal age, explains the affected conception(s); PGT-A is optional and does not "
        "raise cumulative live birth; an unbalanced structural result calls for parental "
        "karyotypes",
        NOT_ASSESSED: "Test the tissue of any further loss (RCOG: third and later "
        "miscarriages and any second-trimester loss), by array or QF-PCR rather than culture; "
        "when it cannot be tested RCOG offers parental karyotyping. For implantation failures "
        "only PGT-A shows the embryos' ploidy, and it is optional",
        RULED_OUT: "Look for a maternal cause: chromosomally normal losses point away from "
        "the embryo",
    },
)
def embryo_aneuploidy(facts: Facts, kb: Knowledge) -> ir.Table:
    """Embryo aneuploidy as the explanation of her pregnancy losses or implantation failures.

    ## What it decides
    **Supported** when genetic testing of the products of conception (POC) of any loss
    (biochemical loss, pregnancy of unknown location, miscarriage, stillbirth) showed an
    aneuploid, triploid or unbalanced structural result, or when PGT-A found an aneuploid
    embryo in any of her cycles. **Ruled out** only when every failed conception was shown to
    be chromosomally balanced: every loss had a normal (or balanced structural) POC result
    and every embryo of a transfer that ended with a negative hCG was euploid on PGT-A; a
    normal result excludes aneuploidy for that loss only. **Not assessed** otherwise: an
    untested loss, a failed test (a failed culture is not a result), another abnormal result
    (e.g. a copy-number change or mosaicism, not classified here) or an untested embryo
    leaves the question open. A loss after a euploid transfer without POC testing is not
    counted as excluded (PGT-A tests the trophectoderm, not the pregnancy). The evidence
    names the latest unbalanced loss and gives her oldest age at a loss (her own oocytes)
    and at an own-oocyte retrieval as context.

    ## Why it matters
    Aneuploidy is the dominant cause of both early pregnancy loss (over half of first-
    trimester losses are chromosomally abnormal) and implantation failure, and it rises
    steeply with maternal age. An aneuploid loss is usually sporadic and carries a better
    prognosis than a chromosomally normal one; normal losses point to a maternal cause.

    ## Not assessed when
    No loss was tested (or every test failed) and not every failed embryo was euploid, and no
    aneuploid finding exists; also when she has neither a loss nor a failed transfer.

    ## Example
    Three miscarriages, the third with trisomy 16 on QF-PCR and array: supported.
    """
    return facts.derived("cause_embryo_aneuploidy")


DERIVATIONS = {"cause_embryo_aneuploidy": Derivation(cause_embryo_aneuploidy)}

"""Poor embryo quality or slow development as the cause of implantation failure."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import compare, count_if, tri_state
from nidation.knowledge import Knowledge

SLOW_DAY = "embryo.slow_blastocyst_min_day"
MIN_FRACTION = "embryo.poor_or_slow_min_fraction"
NOT_BLASTOCYST = ("cleavage", "morula")


def _threshold(value: ir.NumericValue, kb: Knowledge, key: str) -> ir.BooleanValue:
    return compare(value, str(kb.threshold(key).operator), kb.value(key))


def failed_embryos(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every embryo of a transfer counted as an implantation failure (a negative hCG after the
    most recent positive one, as in ``transfer_chances``), classified as poor-or-slow
    (``poor``), good day-5 blastocyst or euploid (``acceptable``), or neither (unknown)."""
    d = facts.derived("transfer_chances")
    d = d.filter(d.counted)
    e, q = facts.embryos, facts.kb_table("embryo_quality_grades")
    q = q.select(
        q_system=q.grading_system.strip().lower(),
        q_stage=q.stage,
        q_grade=q.grade.strip().upper(),
        good=q.good_quality,
    )
    j = d.left_join(e, [d.patient_id == e.patient_id, d.embryo_id == e.id]).select(
        d.patient_id,
        d.stage,
        d.day,
        d.pgt_a,
        grading_system=e.grading_system,
        grade=e.grade,
    )
    j = j.mutate(_system=j.grading_system.strip().lower(), _grade=j.grade.strip().upper())
    j = j.left_join(
        q, [j._system == q.q_system, j.stage == q.q_stage, j._grade == q.q_grade]
    ).select(j.patient_id, j.stage, j.day, j.pgt_a, good=q.good)
    euploid = (j.pgt_a == "euploid").fill_null(False)
    blastocyst = (j.stage == "blastocyst").fill_null(False)
    slow = _threshold(j.day.cast("float64"), kb, SLOW_DAY)
    poor_grade = (j.good == False).fill_null(False)  # noqa: E712
    slow_blastocyst = blastocyst & slow.fill_null(False)
    not_blastocyst = j.stage.isin(NOT_BLASTOCYST).fill_null(False)
    poor = ~euploid & (poor_grade | slow_blastocyst | not_blastocyst)
    acceptable = euploid | (blastocyst & (j.good == True) & ~slow).fill_null(False)  # noqa: E712
    return j.select(
        "patient_id",
        poor=poor,
        acceptable=acceptable,
        poor_grade=~euploid & poor_grade,
        slow_blastocyst=~euploid & slow_blastocyst,
        not_blastocyst=~euploid & not_blastocyst,
        euploid=euploid,
    )


def cause_poor_embryo_quality(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every patient: whether most embryos of her failed transfers were poor or slow."""
    f = failed_embryos(facts, kb)
    per = f.group_by("patient_id").aggregate(
        embryos=f.count(),
        poor_or_slow=count_if(f.poor),
        acceptable=count_if(f.acceptable),
        poor_grade=count_if(f.poor_grade),
        slow_blastocysts=count_if(f.slow_blastocyst),
        cleavage_or_morula=count_if(f.not_blastocyst),
        euploid=count_if(f.euploid),
    )
    everyone = facts.patients.select("patient_id")
    j = everyone.left_join(per, "patient_id")
    j = j.select(
        everyone.patient_id,
        *[j[c].fill_null(0).name(c) for c in per.columns if c != "patient_id"],
    )
    j = j.mutate(unknown_quality=j.embryos - j.poor_or_slow - j.acceptable)
    n = j.embryos.cast("float64")
    share = ibis.ifelse(j.embryos > 0, j.poor_or_slow.cast("float64") / n, ibis.null("float64"))
    share_possible = ibis.ifelse(
        j.embryos > 0,
        (j.poor_or_slow + j.unknown_quality).cast("float64") / n,
        ibis.null("float64"),
    )
    status = tri_state(
        certainly=_threshold(share, kb, MIN_FRACTION),
        possibly=_threshold(share_possible, kb, MIN_FRACTION),
        yes=SUPPORTED,
        no=RULED_OUT,
    )
    return j.mutate(poor_share=share, poor_share_possible=share_possible, status=status)


@rule(
    id="EMB-CAUSE-002",
    name="poor-embryo-quality",
    kind="cause",
    implements=[
        "nidation-defaults/poor-embryo-quality-cause",
        "sun-2021-rif/blastocyst-better-than-cleavage",
        "boynukalin-2020/day-of-biopsy-predicts-live-birth",
    ],
    uses=[SLOW_DAY, MIN_FRACTION, "table:embryo_quality_grades"],
    because={
        SUPPORTED: "{poor_or_slow} of {embryos} embryo(s) of her failed transfers were poor or "
        "slow ({poor_grade} poor grade, {slow_blastocysts} blastocyst(s) on day "
        "{kb[embryo.slow_blastocyst_min_day]} or later, {cleavage_or_morula} cleavage-stage or "
        "morula): {poor_share:.0%}, more than {kb[embryo.poor_or_slow_min_fraction]:.0%}",
        RULED_OUT: "Only {poor_or_slow} of {embryos} embryo(s) of her failed transfers were "
        "poor or slow ({acceptable} good-quality blastocyst(s) before day "
        "{kb[embryo.slow_blastocyst_min_day]} or euploid, {unknown_quality} of unknown "
        "quality): at most {poor_share_possible:.0%}, not more than "
        "{kb[embryo.poor_or_slow_min_fraction]:.0%}, so embryo quality does not explain the "
        "failures",
        NOT_ASSESSED: "{embryos} embryo(s) in failed transfers since the last positive hCG: "
        "{poor_or_slow} poor or slow, {acceptable} good-quality blastocyst(s) before day "
        "{kb[embryo.slow_blastocyst_min_day]} or euploid, {unknown_quality} of unknown grade, "
        "grading system or day, which decide whether more than "
        "{kb[embryo.poor_or_slow_min_fraction]:.0%} were poor or slow",
    },
    next_step={
        SUPPORTED: "Review the embryo culture strategy (blastocyst culture, more oocytes): the "
        "embryos, not the uterus, are the likelier limit",
        NOT_ASSESSED: "Record the grade, grading system and day of development of every "
        "transferred embryo (without a failed transfer there is nothing to judge)",
    },
)
def poor_embryo_quality(facts: Facts, kb: Knowledge) -> ir.Table:
    """Poor embryo quality or slow development as the explanation of implantation failure.

    ## What it decides
    Looks at every embryo of the transfers counted as implantation failures (a negative hCG
    after her most recent positive hCG, as in ``transfer_chances``). An embryo is **poor or
    slow** when it is not euploid and its grade is not good quality by
    ``embryo_quality_grades``, or it is a blastocyst on day ``embryo.slow_blastocyst_min_day``
    or later, or it was transferred at the cleavage or morula stage. It is **acceptable**
    when it is euploid on PGT-A (whatever its grade or day) or a good-quality blastocyst
    before that day. **Supported** when the poor-or-slow share is more than
    ``embryo.poor_or_slow_min_fraction`` even if every embryo of unknown quality were
    acceptable; **ruled out** when it is not, even if every unknown one were poor (so all
    good day-5 blastocysts or euploid embryos rule it out, and so does a minority of poor
    ones); **not assessed** when embryos of unknown grade, grading system or day could
    change the answer, or when no failed transfer is recorded.

    ## Why it matters
    Morphology and the speed of development predict implantation: blastocyst transfer gives
    more live births than cleavage-stage transfer after repeated failure, and day-6 euploid
    blastocysts do less well than day-5 ones. When most failed embryos were poor, the
    embryos rather than the uterus are the likelier limit.

    ## Not assessed when
    No transfer ended with a negative hCG since the last positive one, or embryos of unknown
    grade, grading system or day could change the answer.

    ## Example
    Three failed single transfers of a day-6 4BB, a day-5 3CC and a day-5 4AA blastocyst:
    2 of 3 poor or slow (67%), supported.
    """
    return facts.derived("cause_poor_embryo_quality")


DERIVATIONS = {"cause_poor_embryo_quality": Derivation(cause_poor_embryo_quality)}

"""Recurrent pregnancy loss by each body's definition, side by side."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import MET, NOT_MET
from nidation.engine.vocabulary import count_if, meets, tri_state
from nidation.knowledge import Knowledge


def loss_counts(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient, zero when she has no pregnancy): counts of losses by
    definition, with lower and upper bounds where the gestational week is unknown."""
    e = facts.derived("pregnancy_events")
    counts = e.group_by("patient_id").aggregate(
        eshre_losses=count_if(e.counts_eshre),
        asrm_losses=count_if(e.counts_asrm),
        non_visualised_losses=count_if(e.category == "non_visualised_loss"),
        rcog_first_trimester=count_if(e.counts_rcog_first_trimester),
        rcog_first_trimester_possible=count_if(e.counts_rcog_first_trimester.isnull())
        + count_if(e.counts_rcog_first_trimester),
        rcog_second_trimester=count_if(e.counts_rcog_second_trimester),
        rcog_second_trimester_possible=count_if(e.counts_rcog_second_trimester.isnull())
        + count_if(e.counts_rcog_second_trimester),
        ectopic=count_if(e.outcome == "ectopic"),
        molar=count_if(e.outcome == "molar"),
        pregnancies=e.count(),
    )
    everyone = facts.patients.select("patient_id")
    joined = everyone.left_join(counts, "patient_id")
    return joined.select(
        everyone.patient_id,
        *[joined[c].fill_null(0).name(c) for c in counts.columns if c != "patient_id"],
    )


@rule(
    id="RPL-DEF-001",
    name="rpl-eshre-2022",
    kind="criterion",
    implements=["eshre-rpl-2022/rpl-definition"],
    uses=[
        "rpl.eshre_min_losses",
        "rpl.upper_gestation_weeks",
    ],
    because={
        MET: "{eshre_losses} pregnancy losses counted ({non_visualised_losses} non-visualised); "
        "ESHRE 2022 needs {kb[rpl.eshre_min_losses]} or more",
        NOT_MET: "{eshre_losses} pregnancy loss(es) counted; ESHRE 2022 needs "
        "{kb[rpl.eshre_min_losses]} or more (ectopic and molar pregnancies excluded)",
    },
    next_step={MET: "Offer the ESHRE recurrent pregnancy loss work-up"},
)
def rpl_eshre(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent pregnancy loss as ESHRE 2022 defines it.

    ## What it decides
    Whether the patient has had at least ``rpl.eshre_min_losses`` pregnancy losses, counting
    hCG-confirmed losses before ``rpl.upper_gestation_weeks`` including non-visualised
    (biochemical) losses, consecutive or not; ectopic and molar pregnancies and implantation
    failures are not counted.

    ## Why it matters
    Meeting the definition is the trigger for the recurrent pregnancy loss work-up.

    ## Not assessed when
    Never: every recorded pregnancy has an outcome, and a loss of unknown gestational week
    still counts (a miscarriage is by definition before viability).

    ## Example
    Two biochemical losses and one miscarriage at 8 weeks: 3 losses, met.
    """
    c = facts.derived("loss_counts")
    met = meets(c.eshre_losses, kb, "rpl.eshre_min_losses")
    return c.select(
        "patient_id",
        "eshre_losses",
        "non_visualised_losses",
        "ectopic",
        "molar",
        status=ibis.ifelse(met, MET, NOT_MET),
    )


@rule(
    id="RPL-DEF-002",
    name="recurrent-miscarriage-rcog-2023",
    kind="criterion",
    implements=["rcog-gtg17-2023/rm-definition"],
    uses=["rpl.rcog_min_first_trimester_miscarriages", "pregnancy.first_trimester_max_weeks"],
    because={
        MET: "{rcog_first_trimester} first-trimester miscarriages; RCOG 2023 needs "
        "{kb[rpl.rcog_min_first_trimester_miscarriages]} or more",
        NOT_MET: "{rcog_first_trimester} first-trimester miscarriage(s); RCOG 2023 needs "
        "{kb[rpl.rcog_min_first_trimester_miscarriages]} or more",
        "not_assessed": "{rcog_first_trimester} first-trimester miscarriage(s) certain, up to "
        "{rcog_first_trimester_possible} if the miscarriages of unknown week were first-trimester",
    },
    next_step={"not_assessed": "Record the gestational week of every miscarriage"},
)
def rcog_recurrent_miscarriage(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent miscarriage as the RCOG Green-top Guideline 17 (2023) defines it.

    ## What it decides
    Whether the patient has had at least ``rpl.rcog_min_first_trimester_miscarriages``
    first-trimester miscarriages (before ``pregnancy.first_trimester_max_weeks``),
    consecutive or not. Non-visualised losses are not counted as miscarriages here.

    ## Why it matters
    RCOG sets its investigation pathway (e.g. cytogenetics of the third miscarriage) on it.

    ## Not assessed when
    Miscarriages without a gestational week could change the answer.

    ## Example
    Three miscarriages at 7, 9 and 11 weeks: met.
    """
    c = facts.derived("loss_counts")
    need = "rpl.rcog_min_first_trimester_miscarriages"
    status = tri_state(
        certainly=meets(c.rcog_first_trimester, kb, need),
        possibly=meets(c.rcog_first_trimester_possible, kb, need),
    )
    return c.select(
        "patient_id", "rcog_first_trimester", "rcog_first_trimester_possible", status=status
    )


@rule(
    id="RPL-DEF-003",
    name="rpl-asrm",
    kind="criterion",
    implements=["asrm-2013-def/rpl-definition"],
    uses=["rpl.asrm_min_clinical_losses", "pregnancy.us_miscarriage_max_weeks"],
    because={
        MET: "{asrm_losses} clinical pregnancy losses (seen on ultrasound); ASRM needs "
        "{kb[rpl.asrm_min_clinical_losses]} or more",
        NOT_MET: "{asrm_losses} clinical pregnancy loss(es); ASRM needs "
        "{kb[rpl.asrm_min_clinical_losses]} or more (biochemical losses not counted)",
    },
)
def rpl_asrm(facts: Facts, kb: Knowledge) -> ir.Table:
    """Recurrent pregnancy loss as the ASRM defines it.

    ## What it decides
    Whether the patient has had at least ``rpl.asrm_min_clinical_losses`` failed clinical
    pregnancies (documented by ultrasound or histopathology) before
    ``pregnancy.us_miscarriage_max_weeks`` (the US convention for miscarriage, later
    losses being stillbirths); biochemical losses, ectopic and molar pregnancies are not
    counted.

    ## Why it matters
    Shown beside ESHRE's definition: US clinics and registries use it.

    ## Not assessed when
    Never: each recorded pregnancy outcome says whether it was visualised.

    ## Example
    One miscarriage at 9 weeks and two biochemical losses: 1 clinical loss, not met.
    """
    c = facts.derived("loss_counts")
    met = meets(c.asrm_losses, kb, "rpl.asrm_min_clinical_losses")
    return c.select("patient_id", "asrm_losses", status=ibis.ifelse(met, MET, NOT_MET))


@rule(
    id="RPL-DEF-004",
    name="second-trimester-loss-rcog",
    kind="criterion",
    implements=["rcog-gtg17-2023/second-trimester-loss"],
    uses=[
        "rpl.rcog_min_second_trimester_losses",
        "pregnancy.first_trimester_max_weeks",
        "rpl.upper_gestation_weeks",
    ],
    because={
        MET: "{rcog_second_trimester} second-trimester loss(es): RCOG investigates this on its own",
        NOT_MET: "No second-trimester loss recorded",
        "not_assessed": "Miscarriages of unknown gestational week could be second-trimester",
    },
    next_step={MET: "Investigate as a second-trimester loss (RCOG)"},
)
def rcog_second_trimester_loss(facts: Facts, kb: Knowledge) -> ir.Table:
    """A second-trimester loss, which RCOG 2023 investigates as its own indication.

    ## What it decides
    Whether at least ``rpl.rcog_min_second_trimester_losses`` miscarriage happened between
    ``pregnancy.first_trimester_max_weeks`` and ``rpl.upper_gestation_weeks``.

    ## Why it matters
    One second-trimester loss opens investigations (e.g. products-of-conception genetics,
    thrombophilia in research) without waiting for recurrence.

    ## Not assessed when
    A miscarriage has no gestational week and none is known to be second-trimester.

    ## Example
    A miscarriage at 16 weeks: met.
    """
    c = facts.derived("loss_counts")
    need = "rpl.rcog_min_second_trimester_losses"
    status = tri_state(
        certainly=meets(c.rcog_second_trimester, kb, need),
        possibly=meets(c.rcog_second_trimester_possible, kb, need),
    )
    return c.select("patient_id", "rcog_second_trimester", status=status)


DERIVATIONS = {"loss_counts": Derivation(loss_counts)}

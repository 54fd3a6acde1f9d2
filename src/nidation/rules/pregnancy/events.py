"""Classify every pregnancy event by its outcome, gestational age and ultrasound findings.

Categories (ESHRE 2015 terminology; Sydney 2006 / ACR-EULAR 2023 age bands; the cut-off
weeks are knowledge values):

* ``non_visualised_loss`` — hCG-confirmed, never located by ultrasound (biochemical loss,
  resolved or treated pregnancy of unknown location);
* ``early_loss`` — miscarriage before ``pregnancy.early_loss_max_weeks`` ((pre)embryonic);
* ``first_trimester_loss`` — miscarriage from there to ``pregnancy.first_trimester_max_weeks``;
* ``second_trimester_loss`` — miscarriage from there to ``rpl.upper_gestation_weeks``
  (including a fetal death registered as a stillbirth before that limit);
* ``miscarriage_gestation_unknown`` — a miscarriage whose gestational age was not recorded;
* ``fetal_death_beyond_window`` — recorded as a miscarriage at or after the upper limit;
* ``stillbirth``, ``live_birth``, ``ongoing``, ``ectopic``, ``molar``, ``termination``.

Each event also says whether it counts for each definition, as true / false / null (null:
cannot tell from the record, e.g. first trimester when the week is unknown).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import meets
from nidation.knowledge import Knowledge

LOSS_OUTCOMES = ("biochemical_loss", "pregnancy_of_unknown_location", "miscarriage")


def pregnancy_events(facts: Facts, kb: Knowledge) -> ir.Table:
    """One row per pregnancy: its category and whether it counts for each RPL definition."""
    p = facts.pregnancies
    weeks = (
        p.gestational_age_weeks.cast("float64")
        + p.gestational_age_days.fill_null(0).cast("float64") / 7
    )
    # Each "before week N" limit compares with its own operator from the knowledge base.
    before_early = meets(weeks, kb, "pregnancy.early_loss_max_weeks")
    before_first = meets(weeks, kb, "pregnancy.first_trimester_max_weeks")
    before_upper = meets(weeks, kb, "rpl.upper_gestation_weeks")
    viable = meets(weeks, kb, "pregnancy.viability_weeks")
    before_us_limit = meets(weeks, kb, "pregnancy.us_miscarriage_max_weeks")
    # A miscarriage is taken as visualised unless the record says the sac was never seen.
    sac_never_seen = (p.intrauterine_sac_seen == False).fill_null(False)  # noqa: E712
    not_seen = p.outcome.isin(("biochemical_loss", "pregnancy_of_unknown_location")) | (
        (p.outcome == "miscarriage") & sac_never_seen
    )
    # A fetal death registered as a stillbirth (registration rules start at 20 weeks in some
    # countries) is still a pregnancy loss when it happened before the RPL upper limit.
    early_stillbirth = (p.outcome == "stillbirth") & before_upper.fill_null(False)
    miscarriage = ((p.outcome == "miscarriage") & ~not_seen) | early_stillbirth
    category = ibis.cases(
        (not_seen, "non_visualised_loss"),
        (miscarriage & weeks.isnull(), "miscarriage_gestation_unknown"),
        (miscarriage & before_early, "early_loss"),
        (miscarriage & before_first, "first_trimester_loss"),
        (miscarriage & before_upper, "second_trimester_loss"),
        (miscarriage, "fetal_death_beyond_window"),
        else_=p.outcome,
    )
    within_window = weeks.isnull() | before_upper
    first_trimester = ibis.ifelse(weeks.isnull(), ibis.null("boolean"), before_first)
    second_trimester = ibis.ifelse(
        weeks.isnull(), ibis.null("boolean"), ~before_first & before_upper
    )
    beyond_viability = (p.outcome.isin(("live_birth", "stillbirth"))) & (
        weeks.isnull() | viable
    ).fill_null(False)
    return p.select(
        "patient_id",
        pregnancy_id=p.id,
        seq=p.seq,
        end_date=p.end_date,
        outcome=p.outcome,
        gestational_weeks=weeks,
        category=category,
        counts_eshre=(not_seen | miscarriage) & within_window,
        counts_asrm=miscarriage & (weeks.isnull() | before_us_limit),
        counts_rcog_first_trimester=ibis.ifelse(miscarriage, first_trimester, False),
        counts_rcog_second_trimester=ibis.ifelse(miscarriage, second_trimester, False),
        beyond_viability=beyond_viability,
    )


DERIVATIONS = {"pregnancy_events": Derivation(pregnancy_events, view=True)}

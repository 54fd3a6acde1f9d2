"""The latest valid result of every test, per patient.

The most recent result decides (by date, then by its position in the record); the laboratory's
own reference range, when the result carries one, is compared in the unit the result was
reported in. Rules compare ``value_canonical`` (the catalogue's canonical unit) with knowledge
thresholds, and fall back on the reference-range flags only where the source says to use the
laboratory's range.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.knowledge import Knowledge


def latest_labs(facts: Facts, kb: Knowledge) -> ir.Table:
    """One row per patient and test: the latest result, with counts and first/last dates."""
    labs = facts.labs
    labs = labs.filter(labs.value.notnull() | labs.qualitative.notnull())
    order = [ibis.desc(labs.date), ibis.desc(labs.seq)]
    ranked = labs.mutate(
        _n=ibis.row_number().over(group_by=["patient_id", "test"], order_by=order),
        results=labs.count().over(group_by=["patient_id", "test"]),
        first_date=labs.date.min().over(group_by=["patient_id", "test"]),
    )
    latest = ranked.filter(ranked._n == 0)
    above = ibis.ifelse(
        latest.value.notnull() & latest.reference_high.notnull(),
        latest.value > latest.reference_high,
        ibis.null("boolean"),
    )
    below = ibis.ifelse(
        latest.value.notnull() & latest.reference_low.notnull(),
        latest.value < latest.reference_low,
        ibis.null("boolean"),
    )
    return latest.select(
        "patient_id",
        "test",
        "date",
        "value",
        "unit",
        "value_canonical",
        "unit_canonical",
        "qualitative",
        "reference_low",
        "reference_high",
        "results",
        "first_date",
        above_reference=above,
        below_reference=below,
    )


DERIVATIONS = {"latest_labs": Derivation(latest_labs)}

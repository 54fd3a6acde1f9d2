"""Helpers shared by the endocrine rules: the latest result of one test per patient, recorded
conditions, body-mass index and threshold comparisons with the knowledge base's operator."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from nidation.engine.sources import Facts
from nidation.engine.vocabulary import meets as meets  # re-exported for the endocrine rules
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge

LAB_COLUMNS = (
    "value",
    "unit",
    "value_canonical",
    "qualitative",
    "reference_low",
    "reference_high",
    "above_reference",
    "below_reference",
    "date",
)
CM_PER_M = 100  # unit conversion for BMI from height in centimetres


def check_unit(kb: Knowledge, key: str, test: str) -> None:
    """Refuse to compare a laboratory test with a threshold in another unit."""
    canonical = kb.labs.tests[test].canonical_unit
    unit = kb.threshold(key).unit
    if unit != canonical:
        raise RuleDefinitionError(
            f"threshold {key!r} is in {unit!r} but test {test!r} is normalised to "
            f"{canonical!r}; store the threshold in the catalogue's canonical unit"
        )


def with_latest(table: ir.Table, facts: Facts, test: str, prefix: str) -> ir.Table:
    """``table`` (one row per patient) with the latest ``test`` result's columns, named
    ``<prefix>_<column>`` (all null when the patient has no result)."""
    labs = facts.derived("latest_labs")
    lab = labs.filter(labs.test == test)
    lab = lab.select(_pid=lab.patient_id, **{f"{prefix}_{c}": lab[c] for c in LAB_COLUMNS})
    joined = table.left_join(lab, table.patient_id == lab._pid)
    return joined.select(table, *[joined[f"{prefix}_{c}"] for c in LAB_COLUMNS])


def with_condition(table: ir.Table, facts: Facts, codes: Sequence[str], name: str) -> ir.Table:
    """``table`` with a boolean ``name``: an active condition with one of ``codes`` is
    recorded (false when none is: the record's problem list is taken as complete)."""
    c = facts.conditions
    c = c.filter(c.code.isin(list(codes)) & (c.status.isnull() | (c.status == "active")))
    found = c.group_by(_pid=c.patient_id).aggregate(_n=c.count())
    joined = table.left_join(found, table.patient_id == found._pid)
    return joined.select(table, **{name: joined._n.notnull()})


def bmi_of(patients: ir.Table) -> tuple[ir.FloatingValue, ir.StringValue]:
    """Body-mass index (kg/m²): as recorded, else weight / height² rounded to one decimal as
    BMI is reported; with where it came from (null when neither is known)."""
    height_m = patients.height_cm / CM_PER_M
    computed = (patients.weight_kg / (height_m * height_m)).round(1)
    value = ibis.coalesce(patients.bmi_kg_m2, computed)
    source = ibis.cases(
        (patients.bmi_kg_m2.notnull(), "recorded"),
        (computed.notnull(), "weight and height"),
        else_=ibis.null("string"),
    )
    return value, source

"""The small vocabulary rules are written in. Each helper is an ibis expression builder that
compiles on every backend (DuckDB, Spark, PostgreSQL) and is tested there.

Rules use only these helpers and plain ibis column operations, so the same decision runs for
one patient and for a million.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.status import MET, NOT_ASSESSED, NOT_MET
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge

DAYS_PER_YEAR = 365.25  # calendar convention (not a clinical value)
DECIMALS = 12
"""Combined probabilities and evidence are rounded to this many decimals, so that backends
summing in different orders (DuckDB, Spark) compare and report exactly the same values."""


def count_if(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """Number of rows where ``condition`` is true (null counts as not true)."""
    return ibis.ifelse(condition.fill_null(False), 1, 0).sum()


def years_between(start: ir.DateValue, end: ir.DateValue) -> ir.FloatingValue:
    """Years from ``start`` to ``end`` (null when either is null)."""
    return end.delta(start, unit="day").cast("float64") / DAYS_PER_YEAR


def calendar_age(birth: ir.DateValue, when: ir.DateValue) -> ir.FloatingValue:
    """Age in years at ``when``: the whole part is the calendar count of birthdays passed
    (so she is exactly 30 on her 30th birthday), the fraction the share of the year since."""
    before_birthday = (when.month() < birth.month()) | (
        (when.month() == birth.month()) & (when.day() < birth.day())
    )
    completed = (when.year() - birth.year() - before_birthday.cast("int64")).cast("float64")
    raw = years_between(birth, when)
    return ibis.greatest(completed, ibis.least(raw, completed + 0.999))


def age_at(patients: ir.Table, when: ir.DateValue) -> ir.FloatingValue:
    """The patient's age at ``when``: from her date of birth, else from her age on the
    record's as-of date; null when neither is known."""
    from_birth = calendar_age(patients.birth_date, when)
    from_age = patients.age_years - years_between(when, patients.as_of)
    return ibis.coalesce(from_birth, from_age)


def age_now(patients: ir.Table) -> ir.FloatingValue:
    """The patient's age on the record's as-of date."""
    return ibis.coalesce(calendar_age(patients.birth_date, patients.as_of), patients.age_years)


def compare(value: ir.NumericValue, operator: str, threshold: float) -> ir.BooleanValue:
    """``value <operator> threshold`` for an operator read from the knowledge base."""
    match operator:
        case ">=":
            return value >= threshold
        case ">":
            return value > threshold
        case "<=":
            return value <= threshold
        case "<":
            return value < threshold
    raise ValueError(f"unknown comparison operator {operator!r} in the knowledge base")


def meets(value: ir.NumericValue, kb: Knowledge, key: str) -> ir.BooleanValue:
    """``value`` against threshold ``key`` with the operator the knowledge base gives it (so a
    clinic overlay that changes ``>=`` to ``>`` changes the decision)."""
    operator = kb.threshold(key).operator
    if operator is None:
        raise RuleDefinitionError(f"threshold {key!r} has no comparison operator")
    return compare(value, operator, kb.value(key))


def tri_state(
    *, certainly: ir.BooleanValue, possibly: ir.BooleanValue, yes: str = MET, no: str = NOT_MET
) -> ir.StringValue:
    """Three-valued decision: ``yes`` when the criterion holds even on the least favourable
    reading of unknown data, ``no`` when it fails even on the most favourable reading, and
    ``not_assessed`` otherwise (unknown is never read as normal)."""
    return ibis.cases(
        (certainly.fill_null(False), yes),
        (~possibly.fill_null(True), no),
        else_=NOT_ASSESSED,
    )


def in_band(value: ir.NumericValue, low: ir.NumericValue, high: ir.NumericValue) -> ir.BooleanValue:
    """``low <= value < high``, with a null bound meaning open-ended."""
    return (low.isnull() | (value >= low)) & (high.isnull() | (value < high))


def log_survival(p: ir.FloatingValue) -> ir.FloatingValue:
    """ln(1 − p), summed over embryos to combine independent chances."""
    return (1 - p).ln()


def one_minus_product(log_sum: ir.FloatingValue) -> ir.FloatingValue:
    """1 − Π(1 − pᵢ) from Σ ln(1 − pᵢ) (0 when there were no embryos)."""
    return (1 - log_sum.fill_null(0.0).exp()).round(DECIMALS)


def split_list(text: ir.StringValue) -> ir.ArrayValue:
    """The ``|``-separated parts of ``text`` (a list cell of a knowledge table).

    Spark's ``split`` reads its separator as a regular expression, where a bare ``|`` matches
    between every character; ``[|]`` means the literal character on every backend.
    """
    return text.re_split("[|]")

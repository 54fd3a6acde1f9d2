"""Safety checks: each considered therapy's contraindications and interactions against her record.

A therapy is *considered* when the protocol recommends it or would consider it
(``therapy_options``) or when a clinician or a clinic protocol requested it. Each of its
catalogue checks (``therapy_checks``) is decided against the record: a condition or allergy
listed, a current medication, the latest laboratory value against the sourced limit, an ongoing
pregnancy, her weight for a per-kg dose limit. A check whose data is absent (no allergies
recorded, no eGFR result, no weight) is *undecided* and named: unknown is not normal.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import count_if
from nidation.knowledge import Knowledge

CONSIDERED = ("recommended", "consider")
SEVERITY_RANK = {"absolute": 3, "relative": 2, "caution": 1}
SEVERITY_WORDS = {
    "absolute": "contraindicated",
    "relative": "relative contraindication",
    "caution": "caution",
}


def considered_therapies(facts: Facts) -> ir.Table:
    """Patient × therapy pairs the protocol recommends or considers, or someone requested."""
    o = facts.derived("therapy_options")
    drafted = o.filter(o.status.isin(CONSIDERED))
    r = facts.requested_therapies
    return ibis.union(
        *[
            t.select(patient_id=t.patient_id.cast("string"), therapy=t.therapy.cast("string"))
            for t in (drafted, r)
        ],
        distinct=True,
    )


def _limit(kb: Knowledge, checks: ir.Table) -> ir.FloatingValue:
    keys = sorted({str(r["threshold"]) for r in kb.tables["therapy_checks"].rows if r["threshold"]})
    values = {k: kb.value(k) for k in keys}
    branches = [(checks.threshold == k, ibis.literal(v, "float64")) for k, v in values.items()]
    by_key = ibis.cases(*branches, else_=ibis.null("float64")) if branches else None
    return checks.value if by_key is None else ibis.coalesce(checks.value, by_key)


def _limit_unit(kb: Knowledge, checks: ir.Table) -> ir.StringValue:
    """The check's own unit, else the unit of the threshold it reads."""
    keys = sorted({str(r["threshold"]) for r in kb.tables["therapy_checks"].rows if r["threshold"]})
    branches = [(checks.threshold == k, ibis.literal(kb.thresholds[k].unit)) for k in keys]
    by_key = ibis.cases(*branches, else_=ibis.null("string")) if branches else None
    return checks.unit if by_key is None else ibis.coalesce(checks.unit, by_key)


def _crosses(
    value: ir.FloatingValue, op: ir.StringValue, limit: ir.FloatingValue
) -> ir.BooleanValue:
    return ibis.cases(
        (op == "<", value < limit),
        (op == "<=", value <= limit),
        (op == ">", value > limit),
        (op == ">=", value >= limit),
        else_=ibis.null("boolean"),
    )


def number_text(value: ir.FloatingValue) -> ir.StringValue:
    """A number as text, without a trailing ``.0`` for whole numbers."""
    whole = value == value.round(0)
    return ibis.ifelse(whole, value.cast("int64").cast("string"), value.cast("string"))


def _record_counts(facts: Facts) -> ir.Table:
    pt = facts.patients.select("patient_id", "weight_kg")
    parts = {
        "conditions": facts.conditions,
        "allergies": facts.allergies,
        "medications": facts.medications,
    }
    for name, table in parts.items():
        n = table.group_by("patient_id").aggregate(**{f"n_{name}": table.count()})
        pt = pt.left_join(n, "patient_id").drop("patient_id_right")
    p = facts.pregnancies
    ongoing = p.group_by("patient_id").aggregate(pregnant=count_if(p.outcome == "ongoing") > 0)
    return pt.left_join(ongoing, "patient_id").drop("patient_id_right")


def therapy_safety(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per considered patient × therapy × check: ``hit`` (true, false, or null = undecided)."""
    pairs = considered_therapies(facts)
    checks = facts.kb_table("therapy_checks")
    x = pairs.join(checks, "therapy").join(_record_counts(facts), "patient_id")
    c = facts.conditions.filter(facts.conditions.status == "active")
    cond = c.select("patient_id", key=c.code, _cond=ibis.literal(True)).distinct()
    a = facts.allergies.select("patient_id", key=facts.allergies.code, _allergy=ibis.literal(True))
    m = facts.medications.filter(facts.medications.current.fill_null(True))
    med = m.select("patient_id", key=m.code, _med=ibis.literal(True)).distinct()
    labs = facts.derived("latest_labs").select(
        "patient_id", key="test", _lab=ibis._.value_canonical, _lab_date=ibis._.date
    )
    for right in (cond, a.distinct(), med, labs):
        x = x.left_join(right, ["patient_id", "key"]).drop("patient_id_right", "key_right")
    limit = _limit(kb, x)
    unit = _limit_unit(kb, x)
    kind = x.check
    hit = ibis.cases(
        (kind == "condition", ibis.ifelse(x.n_conditions.notnull(), x._cond.notnull(), None)),
        (kind == "allergy", ibis.ifelse(x.n_allergies.notnull(), x._allergy.notnull(), None)),
        (
            kind.isin(("medication", "interaction")),
            ibis.ifelse(x.n_medications.notnull(), x._med.notnull(), None),
        ),
        (kind == "lab", _crosses(x._lab, x.operator, limit)),
        (kind == "pregnancy", x.pregnant.fill_null(False)),
        (kind == "dose_per_kg", ibis.ifelse(x.weight_kg.notnull(), False, None)),
        (kind == "dose_per_day", ibis.literal(False)),
        else_=ibis.null("boolean"),
    )
    lab_names = {k: t.display for k, t in sorted(kb.labs.tests.items())}
    lab_name = x.key.substitute(lab_names, else_=x.key) if lab_names else x.key
    lacking = ibis.cases(
        (kind == "condition", "her list of conditions"),
        (kind == "allergy", "her list of allergies"),
        (kind.isin(("medication", "interaction")), "her current medications"),
        (kind == "lab", "a " + lab_name + " result"),
        (kind == "dose_per_kg", "her weight"),
        else_="data",
    )
    per_kg = (
        "dose at most "
        + number_text(limit)
        + ibis.coalesce(" " + unit, "")
        + ibis.ifelse(
            x.weight_kg.notnull(),
            " (at most "
            + (limit * x.weight_kg).round(0).cast("int64").cast("string")
            # mg/kg/day at her weight is mg/day
            + ibis.coalesce(" " + unit.replace("/kg", ""), "")
            + " at "
            + number_text(x.weight_kg)
            + " kg)",
            "",
        )
    )
    limits = ibis.cases(
        (kind == "dose_per_kg", per_kg),
        (
            kind == "dose_per_day",
            "dose at most " + number_text(limit) + ibis.coalesce(" " + unit, ""),
        ),
        else_=ibis.null("string"),
    )
    shown = ibis.ifelse(kind == "lab", lab_name, ibis.coalesce(x.key, kind))
    lab_value = ibis.coalesce(" (" + number_text(x._lab) + ")", "")
    flag = (
        x.severity.substitute(SEVERITY_WORDS, else_=x.severity)
        + " — "
        + shown
        + ibis.ifelse(kind == "lab", lab_value, "")
        + ": "
        + x.reason
    )
    return x.select(
        "patient_id",
        "therapy",
        "check",
        "key",
        "severity",
        "reason",
        "source",
        hit=hit,
        severity_rank=x.severity.substitute(SEVERITY_RANK, else_=0),
        flag=flag,
        lacking=lacking,
        limits=limits,
    )


DERIVATIONS = {
    "therapy_safety": Derivation(therapy_safety),
}

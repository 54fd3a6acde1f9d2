"""Safety checks: each considered therapy's contraindications and interactions against her record.

A therapy is *considered* when the protocol recommends it or would consider it
(``therapy_options``) or when a clinician or a clinic protocol requested it. Each of its
catalogue checks (``therapy_checks``) is decided against the record: a condition or allergy
listed, a current medication, the latest laboratory value against the sourced limit, an ongoing
pregnancy, her weight for a per-kg dose limit. A check whose data is absent (no allergies
recorded, no eGFR result, no weight) is *undecided* and named: unknown is not normal.

A condition counts when it is active, or whatever its status when the knowledge base says its
history counts (``condition_history``: a resolved heparin-induced thrombocytopenia still rules
heparin out). An empty list is "not recorded"; the case's "none known" statements
(``no_known_conditions``, ``no_known_allergies``, ``no_current_medications``) decide the checks
instead. Pregnancy is decided by an ongoing pregnancy in the record (pregnant) or a negative
test within ``pregnancy.exclusion_valid_days`` of the as-of date (not pregnant); otherwise it
is undecided. ``absolute_contraindications`` gives, per patient and therapy, the absolute
contraindications that hit and the alternatives their sources name: the plan (TX-PLAN-001) and
the requested-therapy check (TX-REQ-001) demote the therapy with them.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import compare, count_if
from nidation.knowledge import Knowledge

CONSIDERED = ("recommended", "consider")
EXCLUSION_DAYS = "pregnancy.exclusion_valid_days"
CONTRAINDICATED = "contraindicated"
NO_ALTERNATIVE = "the knowledge base names no alternative; seek specialist advice"
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


def _record_counts(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient: whether each list can decide its checks, and whether she is pregnant."""
    pt = facts.patients
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
    pt = pt.left_join(ongoing, "patient_id").drop("patient_id_right")
    limit = kb.threshold(EXCLUSION_DAYS)
    age_days = pt.as_of.delta(pt.pregnancy_excluded_date, unit="day")
    excluded = compare(age_days, limit.operator or "<=", kb.value(EXCLUSION_DAYS))
    return pt.select(
        "patient_id",
        "weight_kg",
        "pregnancy_excluded_date",
        conditions_known=pt.n_conditions.notnull() | pt.no_known_conditions.fill_null(False),
        allergies_known=pt.n_allergies.notnull() | pt.no_known_allergies.fill_null(False),
        medications_known=pt.n_medications.notnull() | pt.no_current_medications.fill_null(False),
        pregnant=ibis.cases(
            (pt.pregnant.fill_null(False), True),
            (excluded.fill_null(False), False),
            else_=ibis.null("boolean"),
        ),
    )


def _conditions(facts: Facts, kb: Knowledge) -> ir.Table:
    """Conditions that count: active ones, and any whose history counts whatever its status."""
    rows = kb.tables["condition_history"].rows
    history = tuple(sorted(str(r["condition"]) for r in rows if r["history_counts"]))
    c = facts.conditions
    active = c.status.fill_null("active") == "active"
    counts = active | c.code.isin(history) if history else active
    c = c.filter(counts).mutate(_active=active)
    return c.group_by(["patient_id", c.code.name("key")]).aggregate(_cond_active=c._active.any())


def therapy_safety(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per considered patient × therapy × check: ``hit`` (true, false, or null = undecided)."""
    pairs = considered_therapies(facts)
    checks = facts.kb_table("therapy_checks")
    x = pairs.join(checks, "therapy").join(_record_counts(facts, kb), "patient_id")
    cond = _conditions(facts, kb)
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
        (kind == "condition", ibis.ifelse(x.conditions_known, x._cond_active.notnull(), None)),
        (kind == "allergy", ibis.ifelse(x.allergies_known, x._allergy.notnull(), None)),
        (
            kind.isin(("medication", "interaction")),
            ibis.ifelse(x.medications_known, x._med.notnull(), None),
        ),
        (kind == "lab", _crosses(x._lab, x.operator, limit)),
        (kind == "pregnancy", x.pregnant),
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
        (
            kind == "pregnancy",
            ibis.ifelse(
                x.pregnancy_excluded_date.notnull(),
                "a pregnancy test within "
                + number_text(ibis.literal(kb.value(EXCLUSION_DAYS), "float64"))
                + " days (the last negative one was on "
                + x.pregnancy_excluded_date.cast("string")
                + ")",
                "a negative pregnancy test (pregnancy is not excluded)",
            ),
        ),
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
    past = ibis.ifelse(
        (kind == "condition") & ~x._cond_active.fill_null(True),
        " (recorded as resolved; its history counts)",
        "",
    )
    finding = shown + ibis.ifelse(kind == "lab", lab_value, "") + past + ": " + x.reason
    flag = x.severity.substitute(SEVERITY_WORDS, else_=x.severity) + " — " + finding
    return x.select(
        "patient_id",
        "therapy",
        "check",
        "key",
        "severity",
        "reason",
        "source",
        "alternative",
        hit=hit,
        severity_rank=x.severity.substitute(SEVERITY_RANK, else_=0),
        flag=flag,
        finding=finding,
        lacking=lacking,
        limits=limits,
    )


def absolute_contraindications(facts: Facts) -> ir.Table:
    """Per patient × therapy with an absolute contraindication that hits: every such flag
    (``contraindicated_by``) and the alternatives their sources name (``alternative``)."""
    s = facts.derived("therapy_safety")
    h = s.filter(s.hit.fill_null(False) & (s.severity == "absolute"))
    return h.group_by(["patient_id", "therapy"]).aggregate(
        contraindicated_by=h.finding.collect(distinct=True).sort().join("; "),
        alternative=h.alternative.collect(where=h.alternative.notnull(), distinct=True)
        .sort()
        .join("; "),
    )


DERIVATIONS = {
    "therapy_safety": Derivation(therapy_safety),
}

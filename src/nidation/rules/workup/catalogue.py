"""The investigation catalogue applied to every patient.

``workup_indications`` says, per patient, which indications of the catalogue hold: the ESHRE
RPL and RIF definitions (decided by RPL-DEF-001 and RIF-DEF-001 themselves, imported, not
rewritten), a second-trimester loss (RPL-DEF-004), the RCOG "third and later miscarriage"
indication for pregnancy-tissue genetics and an unbalanced or failed pregnancy-tissue result.

``investigation_items`` joins those indications to the catalogue rows and gives each row the
evidence that it was done (latest result or finding), requested, or positive once and not yet
repeated, and its status: ``due``, ``repeat_due``, ``done``, ``advised_against`` or
``not_indicated``. The work-up rules select from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import ibis
import ibis.expr.types as ir

from nidation.domain.enums import PocGenetics
from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.status import MET
from nidation.engine.vocabulary import compare, count_if, meets, split_list
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge
from nidation.rules.rif import eshre as rif_eshre_module
from nidation.rules.rpl import definitions as rpl_definitions

TABLE = "investigations"
DUE, REPEAT_DUE, DONE = "due", "repeat_due", "done"
ADVISED_AGAINST, NOT_INDICATED = "advised_against", "not_indicated"
POSITIVE_STANCES = ("recommended", "conditional")
STANCE_PRIORITY = {"recommended": 3, "conditional": 2, "explanatory": 1, "selective": 1}
GENETICS_RECORDS = ("poc_genetics", "parental_karyotype")
RECORDS = ("poc_genetics", "parental_karyotype", "partner_sdf")
MISCARRIAGE_CATEGORIES = (
    "early_loss",
    "first_trimester_loss",
    "second_trimester_loss",
    "miscarriage_gestation_unknown",
)
KARYOTYPE_TRIGGERS = (PocGenetics.UNBALANCED_STRUCTURAL.value, PocGenetics.FAILED.value)
KEYS = ["patient_id", "investigation", "indication"]


def _pid(t: ir.Table) -> ir.Value:
    """``patient_id`` as a nullable string, so tables from facts and derivations unite."""
    return t.patient_id.cast("string").name("patient_id")


# --------------------------------------------------------------------------- the catalogue


def check_catalogue(kb: Knowledge) -> None:
    """Every reference in the catalogue resolves: recommendations, laboratory keys, LOINC
    codes (verified ones only), thresholds; repeat thresholds compare with ``>=``."""
    table = kb.tables.get(TABLE)
    if table is None:
        raise RuleDefinitionError(f"knowledge table {TABLE!r} is missing")
    verified_loinc = {e.code for e in kb.valuesets["loinc"].entries}
    for n, row in enumerate(table.rows, start=2):
        where = f"tables/{TABLE}.csv row {n}"
        for rec in (row["recommendation"], *_split(row["supporting"])):
            if rec not in kb.recommendations:
                raise RuleDefinitionError(f"{where}: unknown recommendation {rec!r}")
        for lab in _split(row["done_labs"]):
            if lab not in kb.labs.tests:
                raise RuleDefinitionError(f"{where}: {lab!r} is not a laboratory test key")
        if row["loinc"] and row["loinc"] not in verified_loinc:
            raise RuleDefinitionError(f"{where}: LOINC {row['loinc']} is not a verified code")
        if row["done_record"] and row["done_record"] not in RECORDS:
            raise RuleDefinitionError(f"{where}: unknown done_record {row['done_record']!r}")
        for column in ("positive_threshold", "repeat_threshold"):
            key = row[column]
            if key and key not in kb.thresholds:
                raise RuleDefinitionError(f"{where}: unknown threshold {key!r} in {column}")
        if row["repeat_threshold"] and kb.threshold(str(row["repeat_threshold"])).operator != ">=":
            raise RuleDefinitionError(f"{where}: a repeat threshold must compare with '>='")


def _split(cell: object) -> list[str]:
    return [part for part in str(cell or "").split("|") if part]


def catalogue_values(kb: Knowledge, column: str) -> list[str]:
    """The distinct non-empty values of a catalogue column (read when the plan is built)."""
    return sorted({str(r[column]) for r in kb.tables[TABLE].rows if r[column]})


def by_key(
    key: ir.StringValue, keys: Iterable[str], make: Callable[[str], ir.Value], *, default: ir.Value
) -> ir.Value:
    """``make(k)`` for the row whose ``key`` column holds ``k`` (knowledge keys named in the
    catalogue), else ``default``."""
    branches = [(key == k, make(k)) for k in keys]
    return ibis.cases(*branches, else_=default) if branches else default


# --------------------------------------------------------------------------- indications


def workup_indications(facts: Facts, kb: Knowledge) -> ir.Table:
    """Per patient (every patient): the definitions and genetics triggers that open a work-up."""
    rpl = rpl_definitions.rpl_eshre.decide(facts, kb)
    rif = rif_eshre_module.rif_eshre.decide(facts, kb)
    second = rpl_definitions.rcog_second_trimester_loss.decide(facts, kb)
    parts = [
        rpl.select("patient_id", "eshre_losses", rpl_status=rpl.status),
        rif.select("patient_id", "cumulative_chance", "failed_transfers", rif_status=rif.status),
        second.select("patient_id", second_trimester_status=second.status),
        _poc_summary(facts, kb),
    ]
    out = facts.patients.select("patient_id")
    for part in parts:
        out = _attach(out, part, ["patient_id"])
    return out.mutate(
        miscarriages=out.miscarriages.fill_null(0),
        poc_indicated_losses=out.poc_indicated_losses.fill_null(0),
        poc_tested_losses=out.poc_tested_losses.fill_null(0),
    )


def _poc_summary(facts: Facts, kb: Knowledge) -> ir.Table:
    """Miscarriages in record order; those from the RCOG ordinal on (and every second-trimester
    loss) call for pregnancy-tissue genetics; the latest of them and its result; the latest
    unbalanced or failed result."""
    e = facts.derived("pregnancy_events")
    p = facts.pregnancies.select("patient_id", "seq", "poc_genetics")
    ev = e.join(p, ["patient_id", "seq"])
    m = ev.filter(ev.category.isin(MISCARRIAGE_CATEGORIES))
    m = m.mutate(ordinal=ibis.row_number().over(group_by="patient_id", order_by="seq") + 1)
    from_ordinal = meets(m.ordinal, kb, "workup.rcog_poc_min_miscarriage_number")
    m = m.mutate(indicated=from_ordinal | (m.category == "second_trimester_loss"))
    counts = m.group_by("patient_id").aggregate(
        miscarriages=m.count(),
        poc_indicated_losses=count_if(m.indicated),
        poc_tested_losses=count_if(m.indicated & m.poc_genetics.notnull()),
    )
    ind = m.filter(m.indicated)
    ind = ind.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=ibis.desc("seq")))
    latest = ind.filter(ind._n == 0).select(
        "patient_id",
        poc_pregnancy=ind.pregnancy_id,
        poc_result=ind.poc_genetics,
        poc_date=ind.end_date,
    )
    t = ev.filter(ev.poc_genetics.isin(KARYOTYPE_TRIGGERS))
    t = t.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=ibis.desc("seq")))
    trigger = t.filter(t._n == 0).select(
        "patient_id", karyotype_trigger=t.poc_genetics, karyotype_trigger_pregnancy=t.pregnancy_id
    )
    out = _attach(counts, latest, ["patient_id"])
    return _attach(out, trigger, ["patient_id"])


def _indications(facts: Facts, kb: Knowledge, w: ir.Table) -> ir.Table:
    need = kb.value("workup.rcog_poc_min_miscarriage_number")
    holds = {
        "rpl_eshre": w.rpl_status == MET,
        "rif_eshre": w.rif_status == MET,
        "second_trimester_loss": w.second_trimester_status == MET,
        "rcog_third_miscarriage": w.miscarriages >= need,
        "unbalanced_poc_or_failed": w.karyotype_trigger.notnull(),
    }
    parts = [
        w.filter(cond.fill_null(False)).select(_pid(w), indication=ibis.literal(name))
        for name, cond in holds.items()
    ]
    parts.append(w.select(_pid(w), indication=ibis.literal("any")))
    return ibis.union(*parts, distinct=False)


# --------------------------------------------------------------------------- done / requested


def _done(facts: Facts, cat: ir.Table) -> ir.Table:
    """Per patient × catalogue row: the latest evidence that the investigation was done."""
    cols = ("patient_id", "investigation", "indication", "done_date", "value", "unit", "result")
    labs = facts.derived("latest_labs")
    cl = cat.select("investigation", "indication", test=split_list(cat.done_labs).unnest())
    lj = cl.join(labs, "test")
    from_labs = lj.select(
        _pid(lj),
        "investigation",
        "indication",
        done_date=lj.date,
        value=lj.value_canonical.cast("float64"),
        unit=lj.unit_canonical,
        result=lj.qualitative,
    )
    f = facts.findings
    cf = cat.select(
        "investigation", "indication", "done_methods", kind=split_list(cat.done_findings).unnest()
    )
    fj = cf.join(f, "kind")
    method_ok = fj.done_methods.isnull() | (
        (ibis.literal("|") + fj.done_methods + "|").contains("|" + fj.method + "|")
    ).fill_null(False)
    fj = fj.filter(method_ok)
    shown = fj.kind + ibis.ifelse(fj.present, " present", " absent")
    from_findings = fj.select(
        _pid(fj),
        "investigation",
        "indication",
        done_date=fj.date,
        value=ibis.null("float64"),
        unit=ibis.null("string"),
        result=shown + ibis.coalesce(" " + fj.eshre_esge_class, "") + " (" + fj.method + ")",
    )
    recs = _records(facts)
    cr = cat.filter(cat.done_record.notnull()).select(
        "investigation", "indication", record=cat.done_record
    )
    rj = cr.join(recs, "record")
    from_records = rj.select(*cols)
    every = ibis.union(from_labs, from_findings, from_records, distinct=False)
    order = [ibis.desc(every.done_date), ibis.desc(every.result), ibis.desc(every.value)]
    ranked = every.mutate(_n=ibis.row_number().over(group_by=KEYS, order_by=order))
    latest = ranked.filter(ranked._n == 0)
    return latest.select(*cols, done_found=ibis.literal(True))


def _records(facts: Facts) -> ir.Table:
    """Records that show a genetics or male-factor investigation was done."""
    pt = facts.patients
    both = pt.karyotype_result.notnull() & pt.partner_karyotype_result.notnull()
    karyotypes = pt.filter(both).select(
        _pid(pt),
        record=ibis.literal("parental_karyotype"),
        done_date=ibis.greatest(pt.karyotype_date, pt.partner_karyotype_date),
        value=ibis.null("float64"),
        unit=ibis.null("string"),
        result="her " + pt.karyotype_result + ", partner " + pt.partner_karyotype_result,
    )
    p = facts.pregnancies.filter(facts.pregnancies.poc_genetics.notnull())
    p = p.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=ibis.desc("seq")))
    p = p.filter(p._n == 0)
    poc = p.select(
        _pid(p),
        record=ibis.literal("poc_genetics"),
        done_date=p.end_date,
        value=ibis.null("float64"),
        unit=ibis.null("string"),
        result=p.poc_genetics,
    )
    s = pt.filter(pt.partner_sperm_dna_fragmentation_pct.notnull())
    sdf = s.select(
        _pid(s),
        record=ibis.literal("partner_sdf"),
        done_date=ibis.null("date"),
        value=s.partner_sperm_dna_fragmentation_pct,
        unit=ibis.literal("%"),
        result=s.partner_sperm_dna_fragmentation_method,
    )
    return ibis.union(karyotypes, poc, sdf, distinct=False)


def _requested(facts: Facts, cat: ir.Table) -> ir.Table:
    cl = cat.select("investigation", "indication", test=split_list(cat.done_labs).unnest())
    rq = facts.requested_tests
    j = cl.join(rq, "test")
    return j.group_by(KEYS).aggregate(requested_date=j.date.max(), requests=j.count())


def _repeat(facts: Facts, kb: Knowledge, cat: ir.Table) -> ir.Table:
    """Rows with a persistence rule: the first positive result and whether a result of the
    same test followed at least the threshold's days later."""
    positive_keys = catalogue_values(kb, "positive_threshold")
    repeat_keys = catalogue_values(kb, "repeat_threshold")
    cr = cat.filter(cat.repeat_threshold.notnull()).select(
        "investigation",
        "indication",
        "positive_threshold",
        "repeat_threshold",
        test=split_list(cat.done_labs).unnest(),
    )
    labs = facts.labs.filter(facts.labs.value.notnull() | facts.labs.qualitative.notnull())
    x = cr.join(labs, "test")
    above = by_key(
        x.positive_threshold,
        positive_keys,
        lambda k: compare(x.value_canonical, kb.threshold(k).operator or ">", kb.value(k)),
        default=ibis.literal(False),
    )
    positive = (
        (x.qualitative == "positive").fill_null(False)
        | (x.value > x.reference_high).fill_null(False)
        | above.fill_null(False)
    )
    first = ibis.ifelse(positive, x.date, ibis.null("date")).min().over(group_by=KEYS)
    x = x.mutate(first_positive_date=first)
    need = by_key(
        x.repeat_threshold, repeat_keys, lambda k: ibis.literal(kb.value(k)), default=ibis.null()
    )
    later = x.date.delta(x.first_positive_date, unit="day").cast("float64") >= need
    x = x.filter(x.first_positive_date.notnull())
    agg = x.group_by([*KEYS, "repeat_threshold", "first_positive_date"]).aggregate(
        repeats=count_if(later)
    )
    earliest = by_key(
        agg.repeat_threshold,
        repeat_keys,
        lambda k: (
            agg.first_positive_date.cast("timestamp") + ibis.interval(days=int(kb.value(k)))
        ).cast("date"),
        default=ibis.null("date"),
    )
    return agg.select(*KEYS, "first_positive_date", "repeats", earliest_repeat_date=earliest)


# --------------------------------------------------------------------------- the items


def investigation_items(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every catalogue row that applies to each patient, with its status and evidence."""
    check_catalogue(kb)
    cat = facts.kb_table(TABLE)
    w = facts.derived("workup_indications")
    rows = _indications(facts, kb, w).join(cat, "indication")
    j = _attach(rows, _done(facts, cat), KEYS)
    j = _attach(j, _requested(facts, cat), KEYS)
    j = _attach(j, _repeat(facts, kb, cat), KEYS)
    found = j.done_found.fill_null(False)
    pending = j.first_positive_date.notnull() & (j.repeats.fill_null(0) == 0)
    status = ibis.cases(
        (j.stance == ADVISED_AGAINST, ADVISED_AGAINST),
        (found & pending, REPEAT_DUE),
        (found, DONE),
        (j.stance.isin(POSITIVE_STANCES), DUE),
        else_=NOT_INDICATED,
    )
    recs = {str(r["recommendation"]) for r in kb.tables[TABLE].rows}
    strength = j.recommendation.substitute(
        {rec: kb.recommendations[rec].strength or "ungraded" for rec in sorted(recs)},
        else_="ungraded",
    )
    requested = j.requests.fill_null(0) > 0
    number = j.value.cast("string") + ibis.coalesce(" " + j.unit, "")
    shown = ibis.coalesce(j.result + ibis.coalesce(" (" + number + ")", ""), number, "recorded")
    return j.select(
        "patient_id",
        "investigation",
        "indication",
        "display",
        "stance",
        "recommendation",
        "loinc",
        "reason",
        "done_record",
        "unexplained_cause",
        status=status,
        stance_priority=j.stance.substitute(STANCE_PRIORITY, else_=0),
        strength=strength,
        done_found=found,
        date=j.done_date,
        value=j.value,
        unit=j.unit,
        result=ibis.ifelse(found, shown, ibis.null("string")),
        requested=requested,
        requested_date=j.requested_date,
        pending=ibis.ifelse(
            requested & ~found,
            " (requested "
            + ibis.coalesce(j.requested_date.cast("string"), "on an unrecorded date")
            + ", result pending)",
            "",
        ),
        to_order=j.display + ibis.coalesce(" (LOINC " + j.loinc + ")", ""),
        first_positive_date=j.first_positive_date,
        earliest_repeat_date=j.earliest_repeat_date,
    )


def _attach(left: ir.Table, right: ir.Table, keys: list[str]) -> ir.Table:
    """``left`` with ``right``'s other columns (null where ``right`` has no row)."""
    j = left.left_join(right, [left[k] == right[k] for k in keys])
    extra = [c for c in right.columns if c not in keys]
    return j.select(*[left[c] for c in left.columns], *[right[c] for c in extra])


DERIVATIONS = {
    "workup_indications": Derivation(
        workup_indications,
    ),
    "investigation_items": Derivation(investigation_items),
}

"""Per-embryo predicted implantation chances of every transferred embryo."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import age_at, in_band, log_survival, one_minus_product
from nidation.knowledge import Knowledge

POSITIVE_OUTCOMES = ("biochemical", "clinical_pregnancy", "ectopic")


def embryo_chance(
    table: ir.Table,
    kb_facts: Facts,
    *,
    age: ir.NumericValue,
    stage: ir.StringValue,
    pgt_a: ir.StringValue,
) -> ir.Table:
    """Attach ``p_implant`` to ``table`` from the knowledge table ``embryo_implantation``
    (the clinic overlay's rows when one is loaded), after mapping the embryo's stage and
    PGT-A result through ``embryo_status_mapping``. An embryo the mapping excludes (an
    aneuploid embryo is not one "considered viable") contributes nothing (``excluded``);
    an unknown age, stage or status leaves the chance null (unknown, never guessed)."""
    mapping = kb_facts.kb_table("embryo_status_mapping")
    rates = kb_facts.kb_table("embryo_implantation")
    by_status = mapping.filter(mapping.field == "pgta_status")
    by_stage = mapping.filter(mapping.field == "stage")
    t = table.mutate(_age=age, _stage=stage, _pgt=pgt_a)
    t = t.left_join(by_status, t._pgt == by_status.value).select(
        t, _lookup=by_status.maps_to, _action=by_status.action
    )
    t = t.left_join(by_stage, t._stage == by_stage.value).select(t, _stage_key=by_stage.maps_to)
    matched = t.left_join(
        rates,
        [
            t._stage_key == rates.stage,
            t._lookup == rates.pgta_status,
            in_band(t._age, rates.age_min, rates.age_max),
        ],
    )
    excluded = (matched._action == "exclude").fill_null(False)
    return matched.select(
        t,
        excluded=excluded,
        p_implant=ibis.ifelse(excluded, 0.0, rates.probability),
    ).drop("_stage", "_pgt", "_lookup", "_action", "_stage_key")


def transfer_embryos_detailed(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every transferred embryo with its transfer, cycle, the age used and its chance."""
    te, t, e, c, p = (
        facts.transfer_embryos,
        facts.transfers,
        facts.embryos,
        facts.cycles,
        facts.patients,
    )
    j = te.join(t, [te.patient_id == t.patient_id, te.transfer_id == t.id]).select(
        te.patient_id,
        te.transfer_id,
        te.embryo_id,
        te.position,
        transfer_date=t.date,
        transfer_seq=t.seq,
        transfer_kind=t.kind,
        outcome=t.outcome,
    )
    j = j.left_join(e, [j.patient_id == e.patient_id, j.embryo_id == e.id]).select(
        j, cycle_id=e.cycle_id, stage=e.stage, day=e.day, pgt_a=e.pgt_a
    )
    j = j.left_join(c, [j.patient_id == c.patient_id, j.cycle_id == c.id]).select(
        j,
        oocyte_source=c.oocyte_source,
        donor_age_years=c.donor_age_years,
        age_at_retrieval_years=c.age_at_retrieval_years,
        retrieval_date=c.retrieval_date,
    )
    j = j.left_join(p, j.patient_id == p.patient_id).select(
        j, birth_date=p.birth_date, age_years=p.age_years, as_of=p.as_of
    )
    own_age = ibis.coalesce(j.age_at_retrieval_years, age_at(j, j.retrieval_date))
    age = ibis.ifelse(j.oocyte_source == "donor", j.donor_age_years, own_age)
    return embryo_chance(j, facts, age=age, stage=j.stage, pgt_a=j.pgt_a).rename(age_used="_age")


def transfer_chances(facts: Facts, kb: Knowledge) -> ir.Table:
    """The view behind the RIF definition and its chart: each transferred embryo, whether it
    counts (a negative-hCG transfer after the most recent positive hCG), and the cumulative
    predicted chance after it."""
    d = facts.derived("transferred_embryos")
    positives = (
        d.filter(d.outcome.isin(POSITIVE_OUTCOMES))
        .group_by("patient_id")
        .aggregate(last_positive=d.transfer_date.max())
    )
    d = d.left_join(positives, "patient_id").select(d, last_positive=positives.last_positive)
    counted = (d.outcome == "negative_hcg") & (
        d.last_positive.isnull() | (d.transfer_date > d.last_positive)
    )
    d = d.mutate(counted=counted.fill_null(False))
    window = ibis.window(
        group_by=[d.patient_id, d.counted],
        order_by=[d.transfer_date, d.transfer_seq, d.position],
        preceding=None,
        following=0,
    )
    cumulative = one_minus_product(log_survival(d.p_implant).sum().over(window))
    return d.select(
        "patient_id",
        "transfer_id",
        "transfer_date",
        "transfer_seq",
        "transfer_kind",
        "outcome",
        "embryo_id",
        "position",
        "stage",
        "day",
        "pgt_a",
        "oocyte_source",
        "age_used",
        "p_implant",
        "excluded",
        "counted",
        cumulative_chance=ibis.ifelse(d.counted, cumulative, ibis.null("float64")),
    )


DERIVATIONS = {
    "transferred_embryos": Derivation(transfer_embryos_detailed),
    "transfer_chances": Derivation(transfer_chances, view=True),
}

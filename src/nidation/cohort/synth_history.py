"""Synthetic patients and their natural pregnancies (RPL-clinic losses, earlier births)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nidation.cohort.synth_rows import Chunk, Floats, Ints, Rows, dates, numbers, strings
from nidation.engine.facts_schema import SCHEMAS

__all__ = ["add_pregnancy", "natural_pregnancies", "patients_table"]

_DAYS_PER_YEAR = 365.25


def patients_table(chunk: Chunk, karyotypes: dict[str, pa.Array]) -> pa.Table:
    """One row per patient: age, body size, smoking, partner, karyotypes when tested."""
    n, rng, p = chunk.n, chunk.rng, chunk.p
    height = np.round(rng.normal(165.0, 7.0, n), 0)
    bmi_raw = p["lifestyle.bmi_median_kg_m2"] * np.exp(rng.normal(0.0, 0.18, n))
    weight = np.round(bmi_raw * (height / 100) ** 2, 1)
    bmi = np.round(weight / (height / 100) ** 2, 1)
    u = rng.random(n)
    current = u < p["lifestyle.smoking_current"]
    former = ~current & (u < p["lifestyle.smoking_current"] + p["lifestyle.smoking_former"])
    smoking = np.where(current, "current", np.where(former, "former", "never"))
    cigarettes = rng.integers(2, 20, n).astype(np.float64)
    columns: dict[str, pa.Array] = {
        "patient_id": chunk.ids,
        "schema_version": pa.array(np.full(n, "1")),
        "as_of": dates(chunk.as_of),
        "age_years": numbers(chunk.age),
        "height_cm": numbers(height),
        "weight_kg": numbers(weight),
        "bmi_kg_m2": numbers(bmi),
        "smoking": strings(smoking),
        "cigarettes_per_day": numbers(cigarettes, current),
        "has_partner": pa.array(np.ones(n, bool)),
        "partner_age_years": numbers(np.round(chunk.age + rng.normal(2.0, 3.0, n), 0)),
        **karyotypes,
    }
    schema = SCHEMAS["patients"]
    return pa.Table.from_arrays(
        [columns.get(c, pa.nulls(n, schema.field(c).type)) for c in schema.names], schema=schema
    )


def add_pregnancy(
    rows: Rows,
    chunk: Chunk,
    *,
    owner: Ints,
    end: Ints,
    outcome: np.ndarray,
    conception: np.ndarray,
    ids: pa.Array,
    ended: np.ndarray | None = None,
) -> None:
    """Pregnancy rows with gestation and ultrasound findings consistent with the outcome."""
    rng, m = chunk.rng, len(owner)
    if m == 0:
        return
    late = (outcome == "miscarriage") & (rng.random(m) < chunk.p["loss.second_trimester_fraction"])
    weeks = np.select(
        [outcome == "biochemical_loss", outcome == "miscarriage", outcome == "live_birth"],
        [
            rng.integers(4, 6, m),
            np.where(late, rng.integers(13, 22, m), rng.integers(6, 12, m)),
            rng.integers(37, 42, m),
        ],
        default=rng.integers(6, 12, m),
    )
    has_end = np.ones(m, bool) if ended is None else ended
    visual = outcome != "biochemical_loss"
    heart = np.where(outcome == "miscarriage", late | (rng.random(m) < 0.4), True)
    tested = (outcome == "miscarriage") & (chunk.workup[owner] == 2)
    tested &= rng.random(m) < chunk.p["workup.poc_tested_fraction"]
    abnormal = rng.random(m) < chunk.p["genetics.poc_abnormal"]
    years_before = (chunk.as_of[owner] - end) / _DAYS_PER_YEAR
    rows.add(
        owner,
        np.where(has_end, end, 10**7),
        id=ids,
        conception=strings(conception),
        outcome=strings(outcome),
        end_date=dates(end, has_end),
        gestational_age_weeks=numbers(weeks.astype(np.float64), has_end, kind=pa.int64()),
        gestational_age_days=numbers(
            rng.integers(0, 7, m).astype(np.float64), has_end, kind=pa.int64()
        ),
        intrauterine_sac_seen=pa.array(visual),
        fetal_heart_seen=pa.array(heart, mask=~visual),
        poc_genetics=strings(np.where(abnormal, "aneuploid", "normal"), tested),
        maternal_age_years=numbers(np.round(chunk.age[owner] - years_before, 1)),
    )


def natural_pregnancies(chunk: Chunk, rows: Rows) -> Ints:
    """RPL patients: two or more losses (a live birth first when secondary); IVF patients: a
    few earlier pregnancies at the baseline risk. Returns the day before which IVF may start."""
    rng, p, n = chunk.rng, chunk.p, chunk.n
    losses = np.where(
        rng.random(n) < p["rpl.three_or_more_losses_fraction"],
        3 + rng.poisson(p["rpl.extra_losses_mean"], n),
        2,
    )
    secondary = rng.random(n) < p["rpl.secondary_fraction"]
    prior = rng.poisson(p["ivf.prior_natural_pregnancies_mean"], n)
    count = np.where(chunk.rpl, losses + secondary, prior)
    owner = np.repeat(np.arange(n), count)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    spacing = rng.integers(200, 300, n)
    # IVF patients' natural pregnancies end before their first retrieval (≥ 4 years back).
    latest = chunk.as_of - np.where(chunk.rpl, rng.integers(30, 200, n), 4 * 365 + 200)
    end = (
        latest[owner]
        - (count[owner] - 1 - position) * spacing[owner]
        - rng.integers(0, 60, len(owner))
    )
    risk: Floats = p.miscarriage(chunk.age[owner])
    is_loss = np.where(
        chunk.rpl[owner], ~(secondary[owner] & (position == 0)), rng.random(len(owner)) < risk
    )
    biochemical = rng.random(len(owner)) < p["loss.biochemical_fraction"]
    outcome = np.where(
        is_loss, np.where(biochemical, "biochemical_loss", "miscarriage"), "live_birth"
    )
    text = pc.cast(pa.array(position + 1), pa.string())
    ids = pc.binary_join_element_wise(chunk.ids.take(pa.array(owner)), "-N", text, "")
    add_pregnancy(
        rows,
        chunk,
        owner=owner,
        end=end.astype(np.int64),
        outcome=outcome,
        conception=np.full(len(owner), "natural"),
        ids=ids,
    )
    start: Ints = latest - count * 300
    return start

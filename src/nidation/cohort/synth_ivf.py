"""Synthetic IVF histories: retrievals, embryos (tested or not), single-embryo transfers
whose outcomes follow the knowledge base's per-embryo implantation chances and the baseline
miscarriage risk by age, and the pregnancies those transfers led to."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nidation.cohort.synth_history import add_pregnancy
from nidation.cohort.synth_rows import Chunk, Ints, Rows, dates, numbers, strings

__all__ = ["ivf_histories"]

_DAYS_PER_YEAR = 365.25
_MAX_CYCLES = 3
_MAX_EMBRYOS = 6
_CYCLE_GAP_DAYS = 420


def _tag(ids: pa.Array, tag: str, numbers_: Ints) -> pa.Array:
    return pc.binary_join_element_wise(ids, tag, pc.cast(pa.array(numbers_), pa.string()), "")


def ivf_histories(chunk: Chunk, tables: dict[str, Rows]) -> None:
    """Add cycles, embryos, transfers and IVF pregnancies for the IVF-clinic patients."""
    rng, p = chunk.rng, chunk.p
    who = np.flatnonzero(~chunk.rpl)
    m = len(who)
    cycles = 1 + np.minimum(rng.poisson(p["ivf.extra_cycles_mean"], m), _MAX_CYCLES - 1)
    done = np.zeros(m, bool)  # a live birth or an ongoing pregnancy ends the history
    transfers = np.zeros(m, np.int64)
    for j in range(_MAX_CYCLES):
        has = np.flatnonzero((cycles > j) & ~done)
        if not len(has):
            break
        owner = who[has]
        retrieval = chunk.as_of[owner] - 400 - (cycles[has] - 1 - j) * _CYCLE_GAP_DAYS
        retrieval -= rng.integers(0, 30, len(has))
        age = np.round(chunk.age[owner] - (chunk.as_of[owner] - retrieval) / _DAYS_PER_YEAR, 1)
        pgt = rng.random(len(has)) < p["ivf.pgt_a_cycle_fraction"]
        count = 1 + np.minimum(rng.poisson(p["ivf.embryos_per_cycle_mean"], len(has)), 5)
        cycle_ids = _tag(chunk.ids.take(pa.array(owner)), "-C", np.full(len(has), j + 1))
        tables["cycles"].add(
            owner,
            np.full(len(has), j),
            id=cycle_ids,
            retrieval_date=dates(retrieval),
            age_at_retrieval_years=numbers(age),
            oocyte_source=strings(np.full(len(has), "own")),
            insemination=strings(np.where(rng.random(len(has)) < 0.6, "icsi", "ivf")),
            oocytes_retrieved=numbers(
                (count + rng.integers(2, 10, len(has))).astype(np.float64), kind=pa.int64()
            ),
        )
        frozen = np.zeros(len(has), np.int64)
        for e in range(_MAX_EMBRYOS):
            here = np.flatnonzero(count > e)
            if not len(here):
                break
            _embryo(
                chunk,
                tables,
                here=here,
                owner=owner,
                cycle_ids=cycle_ids,
                j=j,
                e=e,
                retrieval=retrieval,
                age=age,
                pgt=pgt,
                frozen=frozen,
                done=done,
                has=has,
                transfers=transfers,
            )


def _embryo(
    chunk: Chunk,
    tables: dict[str, Rows],
    *,
    here: Ints,
    owner: Ints,
    cycle_ids: pa.Array,
    j: int,
    e: int,
    retrieval: Ints,
    age: np.ndarray,
    pgt: np.ndarray,
    frozen: Ints,
    done: np.ndarray,
    has: Ints,
    transfers: Ints,
) -> None:
    rng, p, k = chunk.rng, chunk.p, len(here)
    blast = rng.random(k) < p["ivf.blastocyst_fraction"]
    tested = pgt[here] & blast
    aneuploid = tested & (rng.random(k) < p.aneuploidy(age[here]))
    status = np.where(tested, np.where(aneuploid, "aneuploid", "euploid"), "untested")
    embryo_ids = _tag(cycle_ids.take(pa.array(here)), "-E", np.full(k, e + 1))
    day = np.where(blast, rng.integers(5, 7, k), 3)
    tables["embryos"].add(
        owner[here],
        np.full(k, 10 * j + e),
        cycle_id=cycle_ids.take(pa.array(here)),
        seq_in_cycle=pa.array(np.full(k, e), pa.int64()),
        id=embryo_ids,
        day=pa.array(day, pa.int64()),
        stage=strings(np.where(blast, "blastocyst", "cleavage")),
        pgt_a=strings(status),
    )
    # Transfer every viable embryo, one at a time, until a pregnancy continues.
    go = np.flatnonzero(~aneuploid & ~done[has[here]])
    if not len(go):
        return
    rows, cyc = here[go], has[here[go]]
    fresh = (e == 0) & ~pgt[rows]
    when = np.where(fresh, retrieval[rows] + day[go], retrieval[rows] + 40 + 50 * frozen[rows])
    frozen[rows] += ~fresh
    chance = np.select(
        [blast[go] & tested[go], blast[go], tested[go]],
        [
            p.implantation[("blastocyst", "euploid")](age[rows]),
            p.implantation[("blastocyst", "untested")](age[rows]),
            p.implantation[("cleavage", "euploid")](age[rows]),
        ],
        default=p.implantation[("cleavage", "untested")](age[rows]),
    )
    m = len(go)
    implanted = rng.random(m) < chance
    lost = implanted & (rng.random(m) < p.miscarriage(age[rows]))
    biochemical = lost & (rng.random(m) < p["loss.biochemical_fraction"])
    outcome = np.where(
        implanted, np.where(biochemical, "biochemical", "clinical_pregnancy"), "negative_hcg"
    )
    patient = owner[rows]
    transfers[cyc] += 1
    number = transfers[cyc]
    pregnancy_ids = _tag(chunk.ids.take(pa.array(patient)), "-T", number)
    tables["transfers"].add(
        patient,
        when,
        id=_tag(chunk.ids.take(pa.array(patient)), "-X", number),
        date=dates(when),
        embryo_ids=pa.ListArray.from_arrays(
            pa.array(np.arange(m + 1, dtype=np.int32)), embryo_ids.take(pa.array(go))
        ),
        kind=strings(np.where(fresh, "fresh", "frozen")),
        endometrial_thickness_mm=numbers(np.round(np.clip(rng.normal(9.5, 1.8, m), 5.0, 16.0), 1)),
        outcome=strings(outcome),
        pregnancy_id=pa.array(pregnancy_ids.to_numpy(zero_copy_only=False), mask=~implanted),
    )
    born = implanted & ~lost
    ends = when + np.where(born, 265, np.where(biochemical, 20, rng.integers(30, 60, m)))
    ended = ends <= chunk.as_of[patient]
    kind = np.where(
        born,
        np.where(ended, "live_birth", "ongoing"),
        np.where(biochemical, "biochemical_loss", "miscarriage"),
    )
    done[cyc] |= born
    sel = np.flatnonzero(implanted)
    add_pregnancy(
        tables["pregnancies"],
        chunk,
        owner=patient[sel],
        end=ends[sel],
        outcome=kind[sel],
        conception=np.where(fresh[sel], "ivf_fresh", "ivf_frozen"),
        ids=pregnancy_ids.take(pa.array(sel)),
        ended=ended[sel],
    )

"""``nidation synth``: a realistic synthetic cohort as fact tables in Parquet parts.

Patients come from a recurrent-miscarriage clinic (two or more losses, some after a birth)
or an IVF clinic (retrievals, tested or untested embryos, single-embryo transfers whose
outcomes follow the knowledge base's implantation chances and miscarriage risk by age), with
complete, partial or no work-up and findings at published prevalences. Every number comes
from the knowledge table ``synth_parameters`` (or the age tables it names).

Deterministic for a seed and chunk size (one ``numpy`` Generator per chunk, seeded from both),
and streamed: each chunk of patients is built and written as ``<table>/part-NNNNN.parquet``
before the next, so a million patients fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nidation.cohort.output import atomic_directory
from nidation.cohort.params import SynthParameters
from nidation.cohort.synth_history import natural_pregnancies, patients_table
from nidation.cohort.synth_ivf import ivf_histories
from nidation.cohort.synth_rows import Chunk, Rows
from nidation.cohort.synth_workup import karyotypes, workup
from nidation.engine.facts_check import derive_transfer_embryos, validate_tables
from nidation.engine.facts_schema import SCHEMAS
from nidation.errors import NidationError
from nidation.knowledge import Knowledge, load_knowledge

__all__ = ["SynthSummary", "synth_chunk", "synthesize"]

CHUNK_PATIENTS = 50_000
_EPOCH = date(1970, 1, 1)
_ID_TAG = {"labs": "-L", "findings": "-F"}
_NO_SEQ = {"embryos", "transfer_embryos"}


@dataclass(frozen=True)
class SynthSummary:
    """What was written: patients and rows per table."""

    directory: Path
    patients: int
    rows: dict[str, int]


def _chunk(
    kb: Knowledge, params: SynthParameters, *, seed: int, index: int, start: int, n: int
) -> Chunk:
    rng = np.random.default_rng([seed, index])
    p = params
    rpl = rng.random(n) < p["clinic.rpl_fraction"]
    mean = np.where(rpl, p["age.rpl_mean_years"], p["age.ivf_mean_years"])
    sd = np.where(rpl, p["age.rpl_sd_years"], p["age.ivf_sd_years"])
    age = np.round(np.clip(rng.normal(mean, sd), p["age.min_years"], p["age.max_years"]), 1)
    first = (date(int(p["cohort.as_of_first_year"]), 1, 1) - _EPOCH).days
    last = (date(int(p["cohort.as_of_last_year"]), 12, 31) - _EPOCH).days
    as_of = rng.integers(first, last + 1, n).astype(np.int64)
    u = rng.random(n)
    level = np.where(
        u < p["workup.complete_fraction"],
        2,
        np.where(u < p["workup.complete_fraction"] + p["workup.partial_fraction"], 1, 0),
    )
    number = pc.cast(pa.array(np.arange(start, start + n)), pa.string())
    ids = pc.binary_join_element_wise(f"S{seed}-", pc.utf8_lpad(number, 7, "0"), "")
    return Chunk(
        rng=rng, p=p, ids=ids, as_of=as_of, age=age, rpl=rpl, workup=level.astype(np.int64)
    )


def synth_chunk(
    kb: Knowledge,
    *,
    seed: int,
    index: int,
    start: int,
    n: int,
    params: SynthParameters | None = None,
) -> dict[str, pa.Table]:
    """The fact tables of one chunk of ``n`` patients numbered from ``start``."""
    chunk = _chunk(kb, params or SynthParameters(kb), seed=seed, index=index, start=start, n=n)
    rows = {name: Rows(name) for name in SCHEMAS}
    natural_pregnancies(chunk, rows["pregnancies"])
    ivf_histories(chunk, rows)
    workup(chunk, rows)
    tables = {"patients": patients_table(chunk, karyotypes(chunk))}
    for name in SCHEMAS:
        if name in ("patients", "transfer_embryos"):
            continue
        tables[name] = rows[name].table(
            chunk, id_tag=_ID_TAG.get(name), seq=None if name in _NO_SEQ else "seq"
        )
    tables["transfer_embryos"] = derive_transfer_embryos(tables["transfers"])
    return {name: tables[name] for name in SCHEMAS}


def synthesize(
    out: str | Path,
    *,
    patients: int,
    seed: int,
    chunk_patients: int = CHUNK_PATIENTS,
    knowledge: Knowledge | None = None,
    check: bool = True,
    progress: Callable[[int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic cohort of ``patients`` patients to ``out`` (a new directory)."""
    if patients < 1:
        raise NidationError(
            f"The 'patients' parameter of synthesize must be ≥ 1. Got {patients} instead."
        )
    kb = knowledge or load_knowledge()
    params = SynthParameters(kb)
    counts = dict.fromkeys(SCHEMAS, 0)
    target = Path(out)
    with atomic_directory(target) as staging:
        for name in SCHEMAS:
            (staging / name).mkdir()
        for index, start in enumerate(range(0, patients, chunk_patients)):
            n = min(chunk_patients, patients - start)
            tables = synth_chunk(kb, seed=seed, index=index, start=start, n=n, params=params)
            if check:
                problems = validate_tables(tables)
                if problems:  # a generator bug, not an input problem
                    raise NidationError(f"synthetic chunk {index} does not conform: {problems[0]}")
            for name, table in tables.items():
                pq.write_table(table, staging / name / f"part-{index:05d}.parquet")
                counts[name] += table.num_rows
            if progress is not None:
                progress(n)
    return SynthSummary(directory=target, patients=patients, rows=counts)

"""Synthetic work-ups: laboratory results, imaging and pathology findings and karyotypes,
complete, partial or absent per patient. A test not done leaves no row (never a normal one)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from nidation.cohort.synth_rows import Bools, Chunk, Floats, Ints, Rows, dates, numbers, strings

__all__ = ["karyotypes", "workup"]

_RPL_TESTS = ("apl", "ab2gpi", "thyroid", "uterine_3d")
_IVF_TESTS = ("apl", "thyroid", "uterine_2d", "hydrosalpinx", "cd138", "vitamin_d")


def _done(chunk: Chunk, group: Bools) -> Bools:
    p = chunk.p
    partial = chunk.rng.random(chunk.n) < p["workup.partial_test_probability"]
    done: Bools = group & ((chunk.workup == 2) | ((chunk.workup == 1) & partial))
    return done


def _lab(
    rows: Rows,
    chunk: Chunk,
    who: Ints,
    when: Ints,
    test: str,
    *,
    value: Floats | None = None,
    unit: str | None = None,
    qualitative: np.ndarray | None = None,
) -> None:
    m = len(who)
    columns: dict[str, pa.Array] = {"test": strings(np.full(m, test)), "date": dates(when)}
    if value is not None and unit is not None:
        columns |= {
            "value": numbers(value),
            "unit": strings(np.full(m, unit)),
            "value_canonical": numbers(value),
            "unit_canonical": strings(np.full(m, unit)),
        }
    if qualitative is not None:
        columns["qualitative"] = strings(qualitative)
    rows.add(who, when, **columns)


def _apl(
    chunk: Chunk, labs: Rows, who: Ints, when: Ints, *, prevalence: Floats, beta2: bool
) -> None:
    rng, p, m = chunk.rng, chunk.p, len(who)
    positive = rng.random(m) < prevalence
    la = positive & (rng.random(m) < 0.5)
    acl = positive & ~la
    _lab(
        labs,
        chunk,
        who,
        when,
        "lupus_anticoagulant",
        qualitative=np.where(la, "positive", "negative"),
    )
    acl_value = np.where(acl, rng.uniform(45, 120, m), rng.uniform(2, 15, m)).round(1)
    _lab(labs, chunk, who, when, "acl_igg", value=acl_value, unit="GPL")
    _lab(labs, chunk, who, when, "acl_igm", value=rng.uniform(1, 12, m).round(1), unit="MPL")
    if beta2:
        for test in ("ab2gpi_igg", "ab2gpi_igm"):
            _lab(labs, chunk, who, when, test, value=rng.uniform(1, 15, m).round(1), unit="U/mL")
    again = np.flatnonzero(positive & (rng.random(m) < p["lab.apl_repeated_fraction"]))
    later = when[again] + 85 + rng.integers(0, 30, len(again))
    ok = later <= chunk.as_of[who[again]]
    again, later = again[ok], later[ok]
    _lab(
        labs,
        chunk,
        who[again],
        later,
        "lupus_anticoagulant",
        qualitative=np.where(la[again], "positive", "negative"),
    )
    _lab(
        labs,
        chunk,
        who[again],
        later,
        "acl_igg",
        value=np.where(
            acl[again], rng.uniform(45, 120, len(again)), rng.uniform(2, 15, len(again))
        ).round(1),
        unit="GPL",
    )


def _thyroid(chunk: Chunk, labs: Rows, who: Ints, when: Ints) -> None:
    rng, p, m = chunk.rng, chunk.p, len(who)
    u = rng.random(m)
    high = u < p["lab.tsh_4_to_10_fraction"]
    mid = ~high & (u < p["lab.tsh_4_to_10_fraction"] + p["lab.tsh_2_5_to_4_fraction"])
    tsh = np.where(
        high,
        rng.uniform(4.1, 9.5, m),
        np.where(mid, rng.uniform(2.5, 4.0, m), rng.uniform(0.5, 2.49, m)),
    )
    chance = np.where(
        high,
        p["lab.tpo_positive_tsh_4_to_10"],
        np.where(mid, p["lab.tpo_positive_tsh_2_5_to_4"], p["lab.tpo_positive_euthyroid"]),
    )
    tpo = np.where(rng.random(m) < chance, rng.uniform(40, 400, m), rng.uniform(1, 30, m))
    _lab(labs, chunk, who, when, "tsh", value=tsh.round(2), unit="mIU/L")
    _lab(labs, chunk, who, when, "tpo_ab", value=tpo.round(0), unit="IU/mL")


def _finding(
    rows: Rows, who: Ints, when: Ints, kind: str, present: Bools, method: str, **extra: pa.Array
) -> None:
    m = len(who)
    rows.add(
        who,
        when,
        kind=strings(np.full(m, kind)),
        present=pa.array(present),
        method=strings(np.full(m, method)),
        date=dates(when),
        **extra,
    )


def workup(chunk: Chunk, tables: dict[str, Rows]) -> None:
    """Add the work-up rows of every patient (by clinic and work-up completeness)."""
    rng, p = chunk.rng, chunk.p
    labs, findings = tables["labs"], tables["findings"]
    visit = chunk.as_of - rng.integers(120, 365, chunk.n)
    for test in sorted(set(_RPL_TESTS) | set(_IVF_TESTS)):
        group = np.where(chunk.rpl, test in _RPL_TESTS, test in _IVF_TESTS)
        who = np.flatnonzero(_done(chunk, group))
        when, m = visit[who], len(who)
        if test == "apl":
            rate = np.where(chunk.rpl[who], p["lab.apl_positive_rpl"], p["lab.apl_positive_ivf"])
            _apl(chunk, labs, who, when, prevalence=rate, beta2=False)
        elif test == "ab2gpi":
            for name in ("ab2gpi_igg", "ab2gpi_igm"):
                _lab(
                    labs, chunk, who, when, name, value=rng.uniform(1, 15, m).round(1), unit="U/mL"
                )
        elif test == "thyroid":
            _thyroid(chunk, labs, who, when)
        elif test == "vitamin_d":
            value = p["lab.vitamin_d_median_ng_ml"] * np.exp(rng.normal(0, 0.35, m))
            _lab(labs, chunk, who, when, "vitamin_d_25oh", value=value.round(1), unit="ng/mL")
        elif test.startswith("uterine"):
            anomaly_rate = p[
                "finding.uterine_anomaly_rpl"
                if test == "uterine_3d"
                else "finding.uterine_anomaly_infertile"
            ]
            present = rng.random(m) < anomaly_rate
            _finding(
                findings,
                who,
                when,
                "uterine_anomaly",
                present,
                "ultrasound_3d" if test == "uterine_3d" else "ultrasound_2d",
                eshre_esge_class=strings(np.where(present, "U2a", "U0")),
            )
        elif test == "hydrosalpinx":
            present = rng.random(m) < p["finding.hydrosalpinx_ivf"]
            _finding(
                findings,
                who,
                when,
                "hydrosalpinx",
                present,
                "ultrasound_2d",
                side=strings(np.full(m, "left"), present),
            )
        elif test == "cd138":
            present = rng.random(m) < p["finding.chronic_endometritis_rif"]
            count = np.where(present, rng.integers(5, 16, m), rng.integers(0, 4, m)).astype(
                np.float64
            )
            _finding(
                findings,
                who,
                when,
                "chronic_endometritis",
                present,
                "histology",
                cd138_count=numbers(count),
                cd138_denominator=strings(np.full(m, "per_10_hpf")),
            )


def karyotypes(chunk: Chunk) -> dict[str, pa.Array]:
    """Patient and partner karyotype columns: tested in some complete RPL work-ups."""
    rng, p, n = chunk.rng, chunk.p, chunk.n
    tested = chunk.rpl & (chunk.workup == 2) & (rng.random(n) < p["workup.karyotype_fraction"])
    carrier = tested & (rng.random(n) < p["genetics.parental_rearrangement"])
    hers = carrier & (rng.random(n) < 0.5)
    his = carrier & ~hers
    when = dates(chunk.as_of - rng.integers(30, 200, n), tested)
    result = {
        "karyotype": (hers, "46,XX", "46,XX,t(11;22)(q23;q11.2)"),
        "partner_karyotype": (his, "46,XY", "46,XY,t(11;22)(q23;q11.2)"),
    }
    out: dict[str, pa.Array] = {}
    for prefix, (abnormal, normal, balanced) in result.items():
        out[f"{prefix}_result"] = strings(
            np.where(abnormal, "balanced_rearrangement", "normal"), tested
        )
        out[f"{prefix}_iscn"] = strings(np.where(abnormal, balanced, normal), tested)
        out[f"{prefix}_date"] = when
    return out

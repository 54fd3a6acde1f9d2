"""The patient's pregnancies and transfers in date order, and the RIF chance embryo by embryo."""

from __future__ import annotations

from datetime import date
from typing import Any

from nidation.domain import Case
from nidation.engine.result import Assessment
from nidation.reports.i18n import N_
from nidation.reports.model import ChanceRow, TimelineEvent

__all__ = ["chance_rows", "timeline"]


def _gestation(weeks: int | None, days: int | None) -> str:
    if weeks is None:
        return ""
    return f"{weeks}w{days}d" if days is not None else f"{weeks}w"


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _pregnancy_counts(row: dict[str, Any]) -> tuple[str, ...]:
    names = (
        ("counts_eshre", "ESHRE"),
        ("counts_asrm", "ASRM"),
        ("counts_rcog_first_trimester", "RCOG"),
        ("counts_rcog_second_trimester", N_("RCOG, second trimester")),
    )
    return tuple(label for key, label in names if row.get(key))


def timeline(case: Case, assessment: Assessment) -> tuple[TimelineEvent, ...]:
    """Every pregnancy and transfer of ``case``, oldest first (undated ones last)."""
    events_view = {r["pregnancy_id"]: r for r in assessment.views.get("pregnancy_events", ())}
    counted = {
        r["transfer_id"] for r in assessment.views.get("transfer_chances", ()) if r.get("counted")
    }
    embryos = {e.id: (e, c) for c in case.cycles for e in c.embryos}
    out: list[TimelineEvent] = []
    for p in case.pregnancies:
        view = events_view.get(p.id, {})
        detail = tuple(str(x) for x in (p.conception, view.get("category")) if x)
        out.append(
            TimelineEvent(
                when=p.end_date,
                kind="pregnancy",
                id=p.id,
                outcome=str(p.outcome),
                gestation=_gestation(p.gestational_age_weeks, p.gestational_age_days),
                detail=detail,
                counts=_pregnancy_counts(view),
            )
        )
    for t in case.transfers:
        described = []
        sources = set()
        for eid in t.embryo_ids:
            if eid in embryos:
                e, c = embryos[eid]
                described.append((str(e.stage), str(e.pgt_a), str(e.day or "")))
                sources.add(str(c.oocyte_source))
            else:
                described.append(("", "", ""))
        out.append(
            TimelineEvent(
                when=t.date,
                kind="transfer",
                id=t.id,
                outcome=str(t.outcome) if t.outcome else None,
                gestation="",
                embryos=tuple(described),
                detail=(str(t.kind), *sorted(sources)),
                counts=("RIF (ESHRE 2023)",) if t.id in counted else (),
            )
        )
    return tuple(sorted(out, key=lambda e: (e.when is None, e.when or date.min, e.kind)))


def chance_rows(assessment: Assessment) -> tuple[ChanceRow, ...]:
    """The engine's ``transfer_chances`` view, one row per transferred embryo."""
    rows = []
    for r in assessment.views.get("transfer_chances", ()):
        age = r.get("age_used")
        rows.append(
            ChanceRow(
                transfer_id=str(r["transfer_id"]),
                transfer_date=_as_date(r.get("transfer_date")),
                embryo_id=str(r.get("embryo_id") or ""),
                stage=str(r.get("stage") or ""),
                pgt_a=str(r.get("pgt_a") or ""),
                age_used=f"{age:.1f}" if isinstance(age, int | float) else "",
                p_implant=r.get("p_implant"),
                counted=bool(r.get("counted")),
                excluded=bool(r.get("excluded")),
                cumulative=r.get("cumulative_chance"),
                outcome=r.get("outcome"),
            )
        )
    return tuple(rows)

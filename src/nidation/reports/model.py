"""The plain data a report template reads: built from an Assessment and its Case, no logic left.

Nothing here is computed clinically: statuses, reasons, next steps and numbers are copied from
the Assessment's rule outcomes; the timeline is the case's own record, joined to the engine's
per-record views (``pregnancy_events``, ``transfer_chances``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from nidation.reports.sources import Document, SourceEntry

__all__ = [
    "ChanceRow",
    "ClinicianReport",
    "Group",
    "Header",
    "Statement",
    "TimelineEvent",
]


@dataclass(frozen=True)
class Statement:
    """One rule outcome as a report shows it, with its footnotes."""

    rule_id: str
    name: str
    kind: str
    item: str | None
    title: str
    status: str
    status_label: str
    tone: str
    because: str | None
    next_step: str | None
    evidence: dict[str, str]
    footnotes: tuple[tuple[int, int], ...]
    provisional: bool


@dataclass(frozen=True)
class Group:
    """A titled list of statements (a table in the report)."""

    key: str
    title: str
    statements: tuple[Statement, ...]
    empty: str = ""


@dataclass(frozen=True)
class Header:
    patient_id: str
    as_of: date
    nidation_version: str
    knowledge_version: str
    overlay: str | None
    disclaimer: str
    provisional: int


@dataclass(frozen=True)
class TimelineEvent:
    """A pregnancy or an embryo transfer, as recorded in the case."""

    when: date | None
    kind: str  # "pregnancy" | "transfer"
    id: str
    outcome: str | None
    gestation: str
    embryos: tuple[tuple[str, str, str], ...] = ()  # (stage, PGT-A, day)
    detail: tuple[str, ...] = ()  # record codes (transfer kind, oocyte source, category)
    counts: tuple[str, ...] = ()  # which definitions count it, from the engine's views


@dataclass(frozen=True)
class ChanceRow:
    """One transferred embryo and the cumulative predicted chance after it (RIF)."""

    transfer_id: str
    transfer_date: date | None
    embryo_id: str
    stage: str
    pgt_a: str
    age_used: str
    p_implant: float | None
    counted: bool
    excluded: bool
    cumulative: float | None
    outcome: str | None


@dataclass(frozen=True)
class ClinicianReport:
    header: Header
    timeline: tuple[TimelineEvent, ...]
    definitions: Group
    chances: tuple[ChanceRow, ...]
    rif: Statement | None
    threshold: float | None
    causes: tuple[Group, ...]
    investigations: tuple[Group, ...]
    plan_summaries: Group
    treatment: tuple[Group, ...]
    surveillance: tuple[Group, ...]
    prognosis: Group
    provisional: tuple[Statement, ...]
    sources: tuple[SourceEntry, ...]
    documents: tuple[Document, ...]
    extra_views: tuple[str, ...] = field(default=())

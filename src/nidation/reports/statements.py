"""Rule outcomes → :class:`Statement`: status label, readable evidence and footnote numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nidation.engine.result import RuleOutcome
from nidation.reports.labels import humanise, status_label
from nidation.reports.model import Group, Statement
from nidation.reports.sources import SourceIndex, ranges

__all__ = ["by_status", "format_value", "statement", "title_of"]

_PRESENTATIONAL = frozenset({"line", "display"})
"""Evidence keys that only repeat the row's own text."""


def format_value(value: float | str) -> str:
    """A number as a reader expects it (``4.0`` → ``4``, ``0.899158`` → ``0.899``)."""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def title_of(outcome: RuleOutcome) -> str:
    """What the row is about: the test or therapy's display name, its item, or the rule."""
    display = outcome.evidence.get("display")
    if isinstance(display, str) and display:
        return display
    if outcome.item:
        return humanise(outcome.item).capitalize()
    return humanise(outcome.name)


_SHORT = 40
"""Longest text evidence shown in ``short`` mode; longer text repeats the ``because`` line."""


def _evidence(outcome: RuleOutcome, mode: str) -> dict[str, str]:
    """The evidence worth printing: no empty value and no text the row already says."""
    if mode == "none":
        return {}
    said = f"{outcome.because or ''} {outcome.next_step or ''}"
    return {
        k: format_value(v)
        for k, v in outcome.evidence.items()
        if v is not None
        and v != ""
        and k not in _PRESENTATIONAL
        and not (isinstance(v, str) and v.strip(" ,") in said)
        and (mode == "all" or not isinstance(v, str) or len(v) <= _SHORT)
    }


def statement(outcome: RuleOutcome, sources: SourceIndex, *, evidence: str = "all") -> Statement:
    """``evidence``: ``all`` values, ``short`` (numbers and short text) or ``none``."""
    label, tone = status_label(outcome.status)
    return Statement(
        rule_id=outcome.rule_id,
        name=outcome.name,
        kind=str(outcome.kind),
        item=outcome.item,
        title=title_of(outcome),
        status=outcome.status,
        status_label=label,
        tone=tone,
        because=outcome.because,
        next_step=outcome.next_step,
        evidence=_evidence(outcome, evidence),
        footnotes=tuple(ranges(sources.cite(outcome.sources))),
        provisional=outcome.provisional,
    )


def by_status(
    outcomes: Iterable[RuleOutcome],
    *,
    order: Sequence[tuple[str, str]],
    sources: SourceIndex,
    prefix: str,
    evidence: str = "all",
) -> tuple[Group, ...]:
    """One group per status in ``order`` (key, title), then one per status not foreseen.

    A status the report does not know (a rule added later) still gets its own group, titled
    with the status as written, so nothing the Assessment says is dropped.
    """
    rows = list(outcomes)
    known = [s for s, _ in order]
    extra = [s for s in dict.fromkeys(o.status for o in rows) if s not in known]
    groups = []
    for status, title in [*order, *((s, humanise(s)) for s in extra)]:
        chosen = tuple(statement(o, sources, evidence=evidence) for o in rows if o.status == status)
        if chosen:
            groups.append(Group(key=f"{prefix}-{status}", title=title, statements=chosen))
    return tuple(groups)

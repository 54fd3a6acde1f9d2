"""The clinician report's content: every section built from the Assessment, in reading order.

Sources are numbered as the sections cite them, so footnotes rise through the report.
"""

from __future__ import annotations

from nidation.domain import Case
from nidation.engine.result import Assessment, RuleOutcome
from nidation.knowledge import Knowledge
from nidation.reports.i18n import N_
from nidation.reports.labels import humanise
from nidation.reports.model import ClinicianReport, Group, Header, Statement
from nidation.reports.sources import SourceIndex
from nidation.reports.statements import by_status, statement
from nidation.reports.timeline import chance_rows, timeline

__all__ = ["KNOWN_GROUPS", "RIF_RULE", "build_clinician_report", "outcome_groups"]

RIF_RULE = "RIF-DEF-001"
"""The ESHRE 2023 definition whose evidence holds the cumulative chance and its threshold."""

KNOWN_GROUPS = ("definitions", "predictions", "causes", "investigations", "surveillance")
"""Assessment groups with a section of their own; every other group (therapies, and any group
added later) is shown generically in the treatment section."""

_CAUSE_ORDER = (
    ("supported", N_("Supported")),
    ("ruled_out", N_("Ruled out")),
    ("not_assessed", N_("Not assessed: unknown, not normal")),
)
_INVESTIGATION_ORDER = (
    ("due", N_("To order")),
    ("repeat_due", N_("To repeat")),
    ("done", N_("Done, with the result as interpreted")),
    ("advised_against", N_("Advised against")),
    ("not_indicated", N_("Not indicated")),
    ("not_assessed", N_("Not assessed")),
)
_SURVEILLANCE_ORDER = (
    ("flagged", N_("Safety flags and surveillance: flagged")),
    ("not_assessed", N_("Safety flags and surveillance: not assessed")),
    ("not_flagged", N_("Safety flags and surveillance: not flagged")),
)
_THERAPY_ORDER = (
    ("contraindicated", N_("Contraindicated for her: do not give")),
    ("recommended", N_("Recommended")),
    ("consider", N_("Consider")),
    ("advised_against", N_("Advised against")),
    ("research_only", N_("Research only")),
    ("not_indicated", N_("Not indicated")),
    ("not_assessed", N_("Not assessed")),
)


def outcome_groups(assessment: Assessment) -> dict[str, tuple[RuleOutcome, ...]]:
    """Every group of rule outcomes the Assessment has, including ones added after this code."""
    out: dict[str, tuple[RuleOutcome, ...]] = {}
    for name in type(assessment).model_fields:
        value = getattr(assessment, name)
        is_group = isinstance(value, tuple) and all(isinstance(v, RuleOutcome) for v in value)
        if is_group and (value or name in KNOWN_GROUPS or name == "therapies"):
            out[name] = value
    return out


def _plain(
    outcomes: tuple[RuleOutcome, ...], sources: SourceIndex, evidence: str = "all"
) -> tuple[Statement, ...]:
    return tuple(statement(o, sources, evidence=evidence) for o in outcomes)


def build_clinician_report(
    assessment: Assessment, case: Case, *, knowledge: Knowledge | None = None
) -> ClinicianReport:
    """Everything the clinician report shows, as plain data."""
    a = assessment
    sources = SourceIndex(knowledge)
    groups = outcome_groups(a)
    definitions = Group("definitions", N_("Definitions"), _plain(a.definitions, sources))
    rif = next((s for s in definitions.statements if s.rule_id == RIF_RULE), None)
    rif_outcome = next((o for o in a.definitions if o.rule_id == RIF_RULE), None)
    threshold = rif_outcome.evidence.get("threshold") if rif_outcome else None
    causes = by_status(
        a.causes, order=_CAUSE_ORDER, sources=sources, prefix="causes", evidence="short"
    )
    items = tuple(o for o in a.investigations if o.item is not None)
    plans = tuple(o for o in a.investigations if o.item is None)
    investigations = by_status(
        items,
        order=_INVESTIGATION_ORDER,
        sources=sources,
        prefix="investigations",
        evidence="none",
    )
    summaries = Group("plan-summaries", N_("Work-up plans"), _plain(plans, sources, "none"))
    treatment: list[Group] = []
    for name, outcomes in groups.items():
        if name in KNOWN_GROUPS:
            continue
        found = by_status(
            outcomes, order=_THERAPY_ORDER, sources=sources, prefix=name, evidence="short"
        )
        if name != "therapies":  # a group added later: one table, titled with its name
            found = tuple(
                Group(g.key, f"{humanise(name).capitalize()}: {g.title}", g.statements)
                for g in found
            )
        treatment.extend(found)
    surveillance = by_status(
        a.surveillance,
        order=_SURVEILLANCE_ORDER,
        sources=sources,
        prefix="surveillance",
        evidence="short",
    )
    prognosis = Group("prognosis", N_("Prognosis"), _plain(a.predictions, sources))
    every = [
        *definitions.statements,
        *(s for g in causes for s in g.statements),
        *(s for g in investigations for s in g.statements),
        *summaries.statements,
        *(s for g in treatment for s in g.statements),
        *(s for g in surveillance for s in g.statements),
        *prognosis.statements,
    ]
    provisional = tuple(s for s in every if s.provisional)
    header = Header(
        patient_id=a.patient_id,
        as_of=a.as_of,
        nidation_version=a.nidation_version,
        knowledge_version=a.knowledge_version,
        overlay=a.overlay,
        disclaimer=a.disclaimer,
        provisional=len(provisional),
    )
    return ClinicianReport(
        header=header,
        timeline=timeline(case, a),
        definitions=definitions,
        chances=chance_rows(a),
        rif=rif,
        threshold=float(threshold) if isinstance(threshold, int | float) else None,
        causes=causes,
        investigations=investigations,
        plan_summaries=summaries,
        treatment=tuple(treatment),
        surveillance=surveillance,
        prognosis=prognosis,
        provisional=provisional,
        sources=tuple(sources.entries),
        documents=tuple(sources.documents),
        extra_views=tuple(v for v in a.views if v not in {"pregnancy_events", "transfer_chances"}),
    )

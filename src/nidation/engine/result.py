"""The assessment: the stable, versioned result of running the rules on one patient."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from nidation._version import __version__
from nidation.engine.explain import Evidence, render, source_refs, source_refs_for
from nidation.engine.plan import Plan
from nidation.engine.run import RunOutput
from nidation.engine.status import Kind
from nidation.knowledge import Knowledge

ASSESSMENT_SCHEMA_VERSION: Literal["1"] = "1"
DISCLAIMER = (
    "Nidation supports clinical decisions; it does not replace the judgement of the clinician "
    "who knows the patient. Items marked provisional rest on values not yet verified against "
    "their primary source."
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Model):
    """Where a statement comes from."""

    kind: Literal["recommendation", "threshold", "table"]
    key: str
    source: str
    locator: str
    strength: str | None = None
    certainty: str | None = None
    statement: str | None = None
    verified: bool


class RuleOutcome(_Model):
    """One rule's verdict on one patient, with the evidence and sources behind it."""

    rule_id: str
    name: str
    kind: Kind
    item: str | None = Field(default=None, description="The test or therapy, for list rules")
    status: str
    because: str | None = None
    next_step: str | None = None
    evidence: dict[str, float | str | None] = Field(default_factory=dict)
    sources: tuple[SourceRef, ...] = ()
    provisional: bool = Field(description="True when any value used is not yet verified")


class Assessment(_Model):
    """Everything Nidation concluded for one patient."""

    schema_version: Literal["1"] = ASSESSMENT_SCHEMA_VERSION
    nidation_version: str = __version__
    knowledge_version: str
    overlay: str | None = None
    patient_id: str
    as_of: date
    definitions: tuple[RuleOutcome, ...] = ()
    predictions: tuple[RuleOutcome, ...] = ()
    causes: tuple[RuleOutcome, ...] = ()
    investigations: tuple[RuleOutcome, ...] = ()
    therapies: tuple[RuleOutcome, ...] = ()
    surveillance: tuple[RuleOutcome, ...] = ()
    views: dict[str, tuple[dict[str, Any], ...]] = Field(
        default_factory=dict, description="Per-record derivations, e.g. classified pregnancies"
    )
    disclaimer: str = DISCLAIMER

    def outcomes(self, rule_id: str) -> tuple[RuleOutcome, ...]:
        """Every row of a rule (several for rules that list items)."""
        return tuple(o for o in self.trace if o.rule_id == rule_id)

    def outcome(self, rule_id: str) -> RuleOutcome:
        """The (first) row of a rule."""
        for o in self.trace:
            if o.rule_id == rule_id:
                return o
        raise KeyError(rule_id)

    @property
    def trace(self) -> tuple[RuleOutcome, ...]:
        return (
            *self.definitions,
            *self.predictions,
            *self.causes,
            *self.investigations,
            *self.therapies,
            *self.surveillance,
        )


_GROUP = {
    Kind.CRITERION: "definitions",
    Kind.PREDICTION: "predictions",
    Kind.CAUSE: "causes",
    Kind.INVESTIGATION: "investigations",
    Kind.THERAPY: "therapies",
    Kind.SURVEILLANCE: "surveillance",
}


def _evidence(num: Any, text: Any) -> Evidence:
    out: Evidence = {}
    for pairs in (num, text):
        for key, value in pairs or []:
            out[key] = value
    return out


def _item_refs(evidence: Evidence, kb: Knowledge) -> tuple[SourceRef, ...]:
    """The recommendation a row names in its evidence (a list rule's item: the stance of one
    therapy, the recommendation behind one investigation), cited before the rule's own."""
    key = evidence.get("recommendation")
    if not isinstance(key, str) or key not in kb.recommendations:
        return ()
    return tuple(SourceRef(**s) for s in source_refs_for(key, kb))


def build_assessments(output: RunOutput, plan: Plan, *, as_of: dict[str, date]) -> list[Assessment]:
    """One :class:`Assessment` per patient, in the order of ``as_of``."""
    kb = plan.kb
    rules = {r.id: r for r in plan.rules.active()}
    refs = {rid: tuple(SourceRef(**s) for s in source_refs(r, kb)) for rid, r in rules.items()}
    grouped: dict[str, dict[str, list[RuleOutcome]]] = defaultdict(lambda: defaultdict(list))
    for row in output.results.to_pylist():
        r = rules[row["rule_id"]]
        evidence = _evidence(row["evidence_num"], row["evidence_text"])
        status = row["status"]
        item_refs = _item_refs(evidence, kb)
        cited = {x.key for x in item_refs}
        sources = item_refs + tuple(x for x in refs[r.id] if x.key not in cited)
        grouped[row["patient_id"]][_GROUP[r.kind]].append(
            RuleOutcome(
                rule_id=r.id,
                item=row["item"],
                name=r.name,
                kind=r.kind,
                status=status,
                because=render(r.because.get(status), evidence, kb),
                next_step=render(r.next_step.get(status), evidence, kb),
                evidence=evidence,
                sources=sources,
                provisional=not all(s.verified for s in sources),
            )
        )
    views = _views_by_patient(output.views)
    order = {rid: i for i, rid in enumerate(rules)}
    return [
        Assessment(
            knowledge_version=kb.version,
            overlay=kb.overlay,
            patient_id=pid,
            as_of=when,
            views=views.get(pid, {}),
            **{
                g: tuple(sorted(o, key=lambda x: (order[x.rule_id], x.item or "")))
                for g, o in grouped[pid].items()
            },
        )
        for pid, when in as_of.items()
    ]


def _views_by_patient(
    views: dict[str, pa.Table],
) -> dict[str, dict[str, tuple[dict[str, Any], ...]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for name, table in views.items():
        for row in table.to_pylist():
            out[row["patient_id"]][name].append({k: v for k, v in row.items() if k != "patient_id"})
    return {
        pid: {n: tuple(sorted(rows, key=_row_order)) for n, rows in v.items()}
        for pid, v in out.items()
    }


def _row_order(row: dict[str, Any]) -> tuple[str, ...]:
    """A stable order for view rows, whatever order the backend returned them in."""
    keys = (
        "seq",
        "transfer_seq",
        "transfer_date",
        "position",
        "pregnancy_id",
        "transfer_id",
        "embryo_id",
        "investigation",
        "therapy",
    )
    return tuple(f"{row[k]!s:>20}" if k in row else "" for k in keys)

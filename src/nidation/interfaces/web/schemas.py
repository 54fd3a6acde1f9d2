"""Response models of the JSON API (for the OpenAPI document and its conformance tests)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from nidation.engine.explain import source_refs
from nidation.engine.registry import Rule
from nidation.engine.result import SourceRef
from nidation.knowledge import Knowledge
from nidation.knowledge.model import Source

__all__ = [
    "Health",
    "KnowledgeInfo",
    "RuleDetail",
    "RuleSummary",
    "Validation",
    "rule_detail",
    "rule_summary",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(_Out):
    status: Literal["ok"] = "ok"
    nidation_version: str
    knowledge_version: str


class Validation(_Out):
    """The outcome of ``POST /v1/validate``: ``ok`` and, when not, every problem."""

    ok: bool
    problems: list[dict[str, Any]]


class RuleSummary(_Out):
    id: str
    name: str
    kind: str
    lifecycle: str
    since: str
    implements: list[str]
    uses: list[str]


class RuleDetail(RuleSummary):
    doc: str
    sources: list[SourceRef]


class KnowledgeInfo(_Out):
    version: str
    data_version: str
    content_hash: str
    overlay: str | None
    sources: list[Source]


def rule_summary(r: Rule) -> RuleSummary:
    return RuleSummary(
        id=r.id,
        name=r.name,
        kind=r.kind.value,
        lifecycle=r.lifecycle,
        since=r.since,
        implements=list(r.implements),
        uses=list(r.uses),
    )


def rule_detail(r: Rule, kb: Knowledge) -> RuleDetail:
    return RuleDetail(
        **rule_summary(r).model_dump(),
        doc=r.doc,
        sources=[SourceRef(**s) for s in source_refs(r, kb)],
    )

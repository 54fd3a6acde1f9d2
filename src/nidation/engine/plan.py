"""Compile a rule set into one query plan.

Each rule's table is normalised to ``patient_id, rule_id, status, evidence_num,
evidence_text``; the most decisive row per patient is kept, every patient the rule did not
return gets ``not_assessed``, and all rules are unioned into one expression. The plan is
compiled to SQL once per backend dialect and reused; a request only binds its fact tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from nidation.engine.registry import Rule, RuleSet
from nidation.engine.sources import Facts
from nidation.engine.status import DECISIVENESS, NOT_ASSESSED
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge

RESERVED = ("patient_id", "status", "priority")
NUM_MAP = dt.Map(dt.string, dt.float64)
TEXT_MAP = dt.Map(dt.string, dt.string)
ViewFunction = Callable[[Facts, Knowledge], ir.Table]


def _pack(table: ir.Table, names: list[str], dtype: dt.DataType) -> ir.Value:
    if not names:
        return ibis.null().cast(dtype)
    value_type = dtype.value_type
    values = [table[n].cast(value_type) for n in names]
    return ibis.map(ibis.array([ibis.literal(n) for n in names]), ibis.array(values))


def normalise(rule: Rule, table: ir.Table) -> ir.Table:
    """Bring a rule's output to the common long shape, one decisive row per patient."""
    missing = {"patient_id", "status"} - set(table.columns)
    if missing:
        raise RuleDefinitionError(f"{rule.id}: output lacks column(s) {sorted(missing)}")
    numeric, text = [], []
    for name, dtype in table.schema().items():
        if name in RESERVED:
            continue
        if dtype.is_numeric() or dtype.is_boolean():
            numeric.append(name)
        elif dtype.is_string() or dtype.is_temporal():
            text.append(name)
        else:
            raise RuleDefinitionError(f"{rule.id}: evidence column {name!r} has type {dtype}")
    rank = table.status.substitute(DECISIVENESS, else_=0)
    priority = table.priority if "priority" in table.columns else ibis.literal(0)
    ranked = table.mutate(
        _rank=rank,
        _priority=priority,
        evidence_num=_pack(table, numeric, NUM_MAP),
        evidence_text=_pack(table, text, TEXT_MAP),
    )
    order = [ibis.desc(ranked._rank), ibis.desc(ranked._priority)]
    ranked = ranked.mutate(_n=ibis.row_number().over(group_by="patient_id", order_by=order))
    best = ranked.filter(ranked._n == 0).select(
        "patient_id", "status", "evidence_num", "evidence_text"
    )
    return best


def rule_plan(rule: Rule, facts: Facts, kb: Knowledge) -> ir.Table:
    """One rule over every patient: its decisive row, or ``not_assessed``."""
    best = normalise(rule, rule.decide(facts, kb))
    everyone = facts.patients.select("patient_id")
    joined = everyone.left_join(best, "patient_id")
    return joined.select(
        patient_id=everyone.patient_id,
        rule_id=ibis.literal(rule.id),
        status=joined.status.fill_null(NOT_ASSESSED),
        evidence_num=joined.evidence_num,
        evidence_text=joined.evidence_text,
    )


@dataclass
class Plan:
    """A rule set compiled against one knowledge base; SQL cached per dialect."""

    rules: RuleSet
    kb: Knowledge
    views: Mapping[str, ViewFunction] = field(default_factory=dict)

    @cached_property
    def facts(self) -> Facts:
        return Facts({name: t.to_arrow().schema for name, t in self.kb.tables.items()})

    @cached_property
    def expression(self) -> ir.Table:
        parts = [rule_plan(r, self.facts, self.kb) for r in self.rules.active()]
        if not parts:
            raise RuleDefinitionError("the rule set is empty")
        return ibis.union(*parts, distinct=False)

    @cached_property
    def view_expressions(self) -> dict[str, ir.Table]:
        return {name: make(self.facts, self.kb) for name, make in self.views.items()}

    def sql(self, dialect: str) -> str:
        return self._compiled(dialect)[0]

    def view_sql(self, dialect: str) -> dict[str, str]:
        return self._compiled(dialect)[1]

    def _compiled(self, dialect: str) -> tuple[str, dict[str, str]]:
        cache = self.__dict__.setdefault("_sql_cache", {})
        if dialect not in cache:
            if dialect == "pyspark":
                _prepare_pyspark_compiler()
            main = str(ibis.to_sql(self.expression, dialect=dialect))
            views = {
                name: str(ibis.to_sql(expr, dialect=dialect))
                for name, expr in self.view_expressions.items()
            }
            cache[dialect] = (main, views)
        result: tuple[str, dict[str, str]] = cache[dialect]
        return result


def _prepare_pyspark_compiler() -> None:
    """ibis's Spark compiler reads options that its backend module registers on import."""
    from ibis.backends.pyspark import Backend

    if getattr(ibis.options, "pyspark", None) is None:
        Backend.register_options()

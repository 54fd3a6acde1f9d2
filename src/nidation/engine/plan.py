"""Compile a rule set into a query plan: a few derivation stages, then one rule query.

Derivations (classified pregnancies, loss counts, transferred embryos with their chances…)
are computed once per run, in order, and read by later derivations and by rules under their
own names. Each rule's table is normalised to ``patient_id, rule_id, item, status,
evidence`` (``item`` names the test or therapy when a rule lists several, else null); one
window keeps the most decisive row per patient, rule and item, and a join from the grid of
patients × rules gives ``not_assessed`` to every patient a rule did not return. Everything is
compiled to SQL once per backend dialect and reused; a request only binds its fact tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from nidation.engine.registry import Rule, RuleSet
from nidation.engine.sources import Facts
from nidation.engine.status import DECISIVENESS, NOT_ASSESSED
from nidation.engine.vocabulary import DECIMALS
from nidation.errors import RuleDefinitionError
from nidation.knowledge import Knowledge

RESERVED = ("patient_id", "status", "priority", "item")
NUM_MAP = dt.Map(dt.string, dt.float64)
TEXT_MAP = dt.Map(dt.string, dt.string)
ViewFunction = Callable[[Facts, Knowledge], ir.Table]


@dataclass(frozen=True)
class Derivation:
    """A named intermediate table; ``view`` ones are also returned with the results. What it
    reads is found out by building it: a derivation it reads is built first."""

    make: ViewFunction
    view: bool = False


def _pack(table: ir.Table, names: list[str], dtype: dt.DataType) -> ir.Value:
    if not names:
        return ibis.null().cast(dtype)
    value_type = dtype.value_type
    values = [table[n].cast(value_type) for n in names]
    if value_type.is_floating():
        values = [v.round(DECIMALS) for v in values]
    return ibis.map(ibis.array([ibis.literal(n) for n in names]), ibis.array(values))


def normalise(rule: Rule, table: ir.Table) -> ir.Table:
    """Bring a rule's output to the common long shape (every row kept, ranked)."""
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
    priority = table.priority if "priority" in table.columns else ibis.literal(0)
    item = table.item.cast("string") if "item" in table.columns else ibis.null("string")
    return table.select(
        patient_id=table.patient_id.cast(dt.String(nullable=True)),
        rule_id=ibis.literal(rule.id),
        item=item,
        status=table.status,
        rank=table.status.substitute(DECISIVENESS, else_=0),
        priority=priority.cast("int64"),
        evidence_num=_pack(table, numeric, NUM_MAP),
        evidence_text=_pack(table, text, TEXT_MAP),
    )


@dataclass
class Plan:
    """A rule set compiled against one knowledge base; SQL cached per dialect."""

    rules: RuleSet
    kb: Knowledge
    derivations: Mapping[str, Derivation] = field(default_factory=dict)

    @cached_property
    def facts(self) -> Facts:
        facts = Facts({name: t.to_arrow().schema for name, t in self.kb.tables.items()})
        return facts

    @cached_property
    def stage_expressions(self) -> dict[str, ir.Table]:
        """Every derivation, each after the ones it reads. The order is not kept by hand:
        when a derivation being built reads another (``facts.derived(name)``), that one is
        built first; a derivation that reads itself, directly or not, is refused."""
        out: dict[str, ir.Table] = {}
        building: list[str] = []

        def build(name: str) -> None:
            if name in out:
                return
            if name in building:
                chain = " -> ".join([*building[building.index(name) :], name])
                raise RuleDefinitionError(f"derivations read each other in a cycle: {chain}")
            if name not in self.derivations:
                raise RuleDefinitionError(f"unknown derivation {name!r}")
            building.append(name)
            expr = self.derivations[name].make(self.facts, self.kb)
            building.pop()
            self.facts.add_derived(name, expr.schema())
            out[name] = expr

        self.facts.resolver = build
        try:
            for name in sorted(self.derivations):
                build(name)
        finally:
            self.facts.resolver = None
        return out

    @property
    def view_names(self) -> tuple[str, ...]:
        return tuple(n for n, d in self.derivations.items() if d.view)

    @cached_property
    def view_schemas(self) -> dict[str, pa.Schema]:
        """The declared schema of each view, every field nullable, as every backend returns it
        (DuckDB, for one, widens integer sums to decimals)."""
        out = {}
        for name in self.view_names:
            schema = self.stage_expressions[name].schema().to_pyarrow()
            out[name] = pa.schema([f.with_nullable(True) for f in schema])
        return out

    @cached_property
    def rule_ids(self) -> pa.Table:
        return pa.table({"rule_id": pa.array([r.id for r in self.rules.active()], pa.string())})

    @cached_property
    def expression(self) -> ir.Table:
        _ = self.stage_expressions  # declare derived tables before rules read them
        parts = [normalise(r, r.decide(self.facts, self.kb)) for r in self.rules.active()]
        if not parts:
            raise RuleDefinitionError("the rule set is empty")
        every = ibis.union(*parts, distinct=False)
        # Ties (same status and priority) are broken on the evidence itself, so the row kept
        # never depends on the order a backend happened to produce rows in.
        order = [
            ibis.desc(every["rank"]),
            ibis.desc(every.priority),
            every.evidence_text.cast("string"),
            every.evidence_num.cast("string"),
        ]
        ranked = every.mutate(
            _n=ibis.row_number().over(group_by=["patient_id", "rule_id", "item"], order_by=order)
        )
        best = ranked.filter(ranked._n == 0)
        grid = self.facts.patients.select("patient_id").cross_join(self.facts.rule_ids)
        joined = grid.left_join(
            best, [grid.patient_id == best.patient_id, grid.rule_id == best.rule_id]
        )
        return joined.select(
            patient_id=grid.patient_id,
            rule_id=grid.rule_id,
            item=joined.item,
            status=joined.status.fill_null(NOT_ASSESSED),
            evidence_num=joined.evidence_num,
            evidence_text=joined.evidence_text,
        )

    def sql(self, dialect: str) -> tuple[list[tuple[str, str]], str]:
        """``([(derivation name, SQL), …], rule SQL)`` for ``dialect``, compiled once."""
        cache: dict[str, tuple[list[tuple[str, str]], str]] = self.__dict__.setdefault(
            "_sql_cache", {}
        )
        if dialect not in cache:
            if dialect == "pyspark":
                _prepare_pyspark_compiler()
            stages = [
                (name, str(ibis.to_sql(expr, dialect=dialect)))
                for name, expr in self.stage_expressions.items()
            ]
            cache[dialect] = (stages, str(ibis.to_sql(self.expression, dialect=dialect)))
        return cache[dialect]


def _prepare_pyspark_compiler() -> None:
    """ibis's Spark compiler reads options that its backend registers when it connects."""
    from ibis.backends.pyspark import Backend

    if getattr(ibis.options, "pyspark", None) is None:
        Backend.register_options()

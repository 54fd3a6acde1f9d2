"""Compile a rule set into a query plan: a few derivation stages, then one rule query.

Derivations (classified pregnancies, loss counts, transferred embryos with their chances…)
are computed once per run, in order, and read by later derivations and by rules under their
own names. Each rule's table is normalised to ``patient_id, rule_id, item, status,
evidence`` (``item`` names the test or therapy when a rule lists several, else null); one
window keeps the most decisive row per patient, rule and item, and a join from the grid of
patients × rules gives ``not_assessed`` to every patient a rule did not return. The same
rules without evidence (``status_expression``, for cohorts) keep the same statuses with one
aggregate. Everything is compiled to SQL once per backend dialect and reused; a request only
binds its fact tables.
"""

from __future__ import annotations

import threading
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


#: Statuses by name: a status earlier in the alphabet wins a tie (rank and priority equal).
_BY_NAME = {status: i for i, status in enumerate(sorted(DECISIVENESS))}
PRIORITY_LIMIT = 2**31
"""Rule priorities lie in ``(-PRIORITY_LIMIT, PRIORITY_LIMIT)`` (they are small numbers)."""


def _order_key(every: ir.Table) -> ir.IntegerValue:
    """``rank``, then ``priority``, then the status's name (earlier first) as one int64 that
    orders rows as ``rank DESC, priority DESC, status ASC`` does."""
    by_name = every.status.substitute(_BY_NAME, else_=len(_BY_NAME))
    packed = every["rank"].cast("int64") * (2 * PRIORITY_LIMIT) + (every.priority + PRIORITY_LIMIT)
    return packed * 64 + (63 - by_name)


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
    def _decided(self) -> list[tuple[Rule, ir.Table]]:
        _ = self.stage_expressions  # declare derived tables before rules read them
        decided = [(r, r.decide(self.facts, self.kb)) for r in self.rules.active()]
        if not decided:
            raise RuleDefinitionError("the rule set is empty")
        return decided

    @cached_property
    def _parts(self) -> list[ir.Table]:
        return [normalise(r, table) for r, table in self._decided]

    @cached_property
    def expression(self) -> ir.Table:
        """Every patient × rule (× item): status and evidence (``RESULT_SCHEMA`` in
        :mod:`nidation.engine.run`)."""
        return self._assemble(self._parts, evidence=True)

    @cached_property
    def status_expression(self) -> ir.Table:
        """:attr:`expression` without the evidence: ``patient_id, rule_id, item, status``.
        The same rows keep the same statuses (the row kept never depends on the evidence, see
        :meth:`_assemble`); no evidence map is built, so it is several times cheaper."""
        narrow = [
            p.select("patient_id", "rule_id", "item", "status", "rank", "priority")
            for p in self._parts
        ]
        return self._assemble(narrow, evidence=False)

    def _assemble(self, parts: list[ir.Table], *, evidence: bool) -> ir.Table:
        every = ibis.union(*parts, distinct=False)
        keys = ["patient_id", "rule_id", "item"]
        # The most decisive row wins, then the highest priority, then the status's name; only
        # rows tied on all three (same status) are told apart by their evidence, so the row
        # kept never depends on the order a backend happened to produce rows in, and the
        # status kept is the same whether evidence is computed or not.
        if evidence:
            order = [
                ibis.desc(every["rank"]),
                ibis.desc(every.priority),
                every.status,
                every.evidence_text.cast("string"),
                every.evidence_num.cast("string"),
            ]
            ranked = every.mutate(_n=ibis.row_number().over(group_by=keys, order_by=order))
            best = ranked.filter(ranked._n == 0)
        else:
            # Without evidence only the status is kept: the same order as one integer (every
            # row with the largest key has the same status), so an aggregate does what the
            # window does, several times faster.
            best = every.group_by(keys).aggregate(status=every.status.argmax(_order_key(every)))
        grid = self.facts.patients.select("patient_id").cross_join(self.facts.rule_ids)
        joined = grid.left_join(
            best, [grid.patient_id == best.patient_id, grid.rule_id == best.rule_id]
        )
        columns = {
            "patient_id": grid.patient_id,
            "rule_id": grid.rule_id,
            "item": joined.item,
            "status": joined.status.fill_null(NOT_ASSESSED),
        }
        if evidence:
            columns |= {
                "evidence_num": joined.evidence_num,
                "evidence_text": joined.evidence_text,
            }
        return joined.select(**columns)

    @cached_property
    def list_rules(self) -> tuple[str, ...]:
        """The rules whose rows name an item (a test, a therapy) besides their own row."""
        return tuple(r.id for r, table in self._decided if "item" in table.columns)

    def sql(self, dialect: str) -> tuple[list[tuple[str, str]], str]:
        """``([(derivation name, SQL), …], rule SQL)`` for ``dialect``, compiled once."""
        return self._compiled(dialect, "expression")

    def status_sql(self, dialect: str) -> tuple[list[tuple[str, str]], str]:
        """As :meth:`sql`, the rule SQL of :attr:`status_expression` (no evidence)."""
        return self._compiled(dialect, "status_expression")

    def _compiled(self, dialect: str, which: str) -> tuple[list[tuple[str, str]], str]:
        cache: dict[tuple[str, str], tuple[list[tuple[str, str]], str]] = self.__dict__.setdefault(
            "_sql_cache", {}
        )
        with self.__dict__.setdefault("_sql_lock", threading.Lock()):
            return self._compile(cache, dialect, which)

    def _compile(
        self,
        cache: dict[tuple[str, str], tuple[list[tuple[str, str]], str]],
        dialect: str,
        which: str,
    ) -> tuple[list[tuple[str, str]], str]:
        if (dialect, which) not in cache:
            if dialect == "pyspark":
                _prepare_pyspark_compiler()
            stages = self.__dict__.setdefault("_stage_sql", {})
            if dialect not in stages:
                stages[dialect] = [
                    (name, str(ibis.to_sql(expr, dialect=dialect)))
                    for name, expr in self.stage_expressions.items()
                ]
            main = str(ibis.to_sql(getattr(self, which), dialect=dialect))
            cache[dialect, which] = (stages[dialect], main)
        return cache[dialect, which]


def _prepare_pyspark_compiler() -> None:
    """ibis's Spark compiler reads options that its backend registers when it connects."""
    from ibis.backends.pyspark import Backend

    if getattr(ibis.options, "pyspark", None) is None:
        Backend.register_options()

"""Compile ibis expressions into Python closures, once; equal sub-expressions share one
closure, and a relation is computed at most once per run."""

from __future__ import annotations

from typing import Any

import ibis.expr.operations as ops
import ibis.expr.types as ir

from nidation.engine.pyeval import reductions as _reductions  # noqa: F401  (registers builders)
from nidation.engine.pyeval.frame import Context, Frame, RelFn, ValueFn
from nidation.engine.pyeval.relations import REL_BUILDERS
from nidation.engine.pyeval.values import BUILDERS


class Compiler:
    """Turns ibis operation trees into closures; raises ``NotImplementedError`` naming any
    operation it does not know, at compile time."""

    def __init__(self) -> None:
        self._values: dict[ops.Node, ValueFn] = {}
        self._rels: dict[ops.Node, RelFn] = {}
        self._keys: dict[ops.Node, int] = {}

    def rel_key(self, node: ops.Node) -> int:
        """A small integer naming a relation in value environments."""
        return self._keys.setdefault(node, len(self._keys))

    def value(self, node: Any) -> ValueFn:
        found = self._values.get(node)
        if found is None:
            builder = _lookup(BUILDERS, type(node))
            found = builder(self, node)
            self._values[node] = found
        return found

    def rel(self, node: Any) -> RelFn:
        found = self._rels.get(node)
        if found is None:
            builder = _lookup(REL_BUILDERS, type(node))
            compute = builder(self, node)
            slot = len(self._rels)

            def cached(ctx: Context, compute: RelFn = compute, slot: int = slot) -> Frame:
                hit = ctx.cache.get(slot)
                if hit is None:
                    hit = compute(ctx)
                    ctx.cache[slot] = hit
                return hit

            found = cached
            self._rels[node] = found
        return found

    def table(self, expr: ir.Table) -> RelFn:
        """A table expression as a function of a run's bound tables."""
        return self.rel(expr.op())


def _lookup(table: dict[type[ops.Node], Any], kind: type) -> Any:
    for klass in kind.__mro__:
        if klass in table:
            return table[klass]
    raise NotImplementedError(f"the Python evaluator has no rule for {kind.__name__}")

"""Aggregate functions (over the groups of an aggregation or the frames of a window) and
window functions, with SQL's rules: nulls are skipped, an empty input gives null (counts
give 0)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ibis.expr.operations as ops

from nidation.engine.pyeval.frame import Env, ValueFn, hashable, sort_indices
from nidation.engine.pyeval.values import builds

if TYPE_CHECKING:
    from nidation.engine.pyeval.compiler import Compiler

# A reduction: (argument columns over the rows, the row indices of one group) -> value
Reduce = Callable[[list[list[Any]], Sequence[int]], Any]


def _present(cols: list[list[Any]], rows: Sequence[int]) -> list[Any]:
    values, where = cols[0], cols[1] if len(cols) > 1 else None
    return [
        values[i] for i in rows if values[i] is not None and (where is None or where[i] is True)
    ]


def _sum(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    vals = _present(cols, rows)
    if not vals:
        return None
    return sum(int(v) if isinstance(v, bool) else v for v in vals)


def _max(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    vals = _present(cols, rows)
    return max(vals) if vals else None


def _min(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    vals = _present(cols, rows)
    return min(vals) if vals else None


def _any(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    vals = _present(cols, rows)
    return any(vals) if vals else None


def _count_distinct(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    return len({hashable(v) for v in _present(cols, rows)})


def _count_star(cols: list[list[Any]], rows: Sequence[int]) -> Any:
    if not cols:
        return len(rows)
    where = cols[0]
    return sum(1 for i in rows if where[i] is True)


def reducer(c: Compiler, node: Any) -> tuple[list[ValueFn], Reduce]:
    """The argument columns a reduction reads and the function reducing one group."""
    where = [c.value(node.where)] if getattr(node, "where", None) is not None else []
    if isinstance(node, ops.CountStar):
        return where, _count_star
    if isinstance(node, ops.ArrayCollect):
        return _collect(c, node)
    table: dict[type[ops.Node], Reduce] = {
        ops.Sum: _sum,
        ops.Max: _max,
        ops.Min: _min,
        ops.Any: _any,
        ops.CountDistinct: _count_distinct,
    }
    fn = table.get(type(node))
    if fn is None:
        raise NotImplementedError(f"aggregate {type(node).__name__}")
    return [c.value(node.arg), *where], fn


def _collect(c: Compiler, node: ops.ArrayCollect) -> tuple[list[ValueFn], Reduce]:
    args = [c.value(node.arg)]
    has_where = node.where is not None
    if has_where:
        args.append(c.value(node.where))
    keys = [(c.value(k.arg), k.ascending, k.nulls_first) for k in node.order_by]
    args.extend(k[0] for k in keys)
    first_key = len(args) - len(keys)

    def collect(cols: list[list[Any]], rows: Sequence[int]) -> Any:
        values = cols[0]
        chosen = [i for i in rows if not has_where or cols[1][i] is True]
        if keys:
            specs = [(cols[first_key + j], k[1], k[2]) for j, k in enumerate(keys)]
            chosen = sort_indices(specs, chosen)
        out = [values[i] for i in chosen if node.include_null or values[i] is not None]
        if node.distinct:
            seen: set[Any] = set()
            unique = []
            for v in out:
                key = hashable(v)
                if key not in seen:
                    seen.add(key)
                    unique.append(v)
            out = unique
        return out or None

    return args, collect


def aggregate_value(c: Compiler, node: Any) -> ValueFn:
    """A reduction inside an aggregation: one value per group of the parent rows."""
    args, fn = reducer(c, node)

    def run(env: Env) -> list[Any]:
        if env.groups is None or env.parent is None:
            raise NotImplementedError(f"{type(node).__name__} outside an aggregation")
        parent = env.parent
        cols = [a(parent) for a in args]
        return [fn(cols, rows) for rows in env.groups]

    return run


builds(ops.Sum, ops.Max, ops.Min, ops.Any, ops.CountDistinct, ops.CountStar, ops.ArrayCollect)(
    aggregate_value
)


def _bound(boundary: Any) -> int | None:
    if boundary is None:
        return None
    value = boundary.value
    if not isinstance(value, ops.Literal):
        raise NotImplementedError("window frame bounds must be literals")
    return -int(value.value) if boundary.preceding else int(value.value)


@builds(ops.WindowFunction)
def _window(c: Compiler, node: ops.WindowFunction) -> ValueFn:
    if node.how != "rows":
        raise NotImplementedError(f"{node.how} window frames")
    partition = [c.value(g) for g in node.group_by]
    order = [(c.value(k.arg), k.ascending, k.nulls_first) for k in node.order_by]
    start, end = _bound(node.start), _bound(node.end)
    func = node.func
    row_number = isinstance(func, ops.RowNumber)
    args, fn = ([], None) if row_number else reducer(c, func)

    def run(env: Env) -> list[Any]:
        keys = [p(env) for p in partition]
        parts: dict[tuple[Any, ...], list[int]] = {}
        for i in range(env.n):
            parts.setdefault(tuple(hashable(k[i]) for k in keys), []).append(i)
        specs = [(f(env), asc, nf) for f, asc, nf in order]
        cols = [a(env) for a in args]
        out: list[Any] = [None] * env.n
        for rows in parts.values():
            ordered = sort_indices(specs, rows) if specs else rows
            last = len(ordered) - 1
            for pos, i in enumerate(ordered):
                if row_number:
                    out[i] = pos
                    continue
                lo = 0 if start is None else max(pos + start, 0)
                hi = last if end is None else min(pos + end, last)
                assert fn is not None
                out[i] = fn(cols, ordered[lo : hi + 1] if lo <= hi else [])
        return out

    return run

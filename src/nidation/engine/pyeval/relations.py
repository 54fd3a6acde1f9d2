"""Relations (tables, projections, filters, aggregations, joins, set operations) compiled to
functions of a run's :class:`Context`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis.expr.operations as ops

from nidation.engine.pyeval.frame import (
    Context,
    Env,
    Frame,
    Gathered,
    RelFn,
    ValueFn,
    distinct_rows,
    hashable,
    row_keys,
    sort_indices,
)

if TYPE_CHECKING:
    from nidation.engine.pyeval.compiler import Compiler

RelBuilder = Callable[["Compiler", Any], RelFn]
REL_BUILDERS: dict[type[ops.Node], RelBuilder] = {}


def builds(*types: type[ops.Node]) -> Callable[[RelBuilder], RelBuilder]:
    def register(fn: RelBuilder) -> RelBuilder:
        for t in types:
            REL_BUILDERS[t] = fn
        return fn

    return register


@builds(ops.UnboundTable)
def _table(c: Compiler, node: ops.UnboundTable) -> RelFn:
    name = node.name

    def run(ctx: Context) -> Frame:
        try:
            return ctx.tables[name]
        except KeyError:
            raise NotImplementedError(f"table {name!r} is not bound") from None

    return run


@builds(ops.JoinReference)
def _reference(c: Compiler, node: ops.JoinReference) -> RelFn:
    return c.rel(node.parent)


def _scope(c: Compiler, node: Any) -> tuple[RelFn, int]:
    return c.rel(node.parent), c.rel_key(node.parent)


@builds(ops.Project)
def _project(c: Compiler, node: ops.Project) -> RelFn:
    parent, key = _scope(c, node)
    values = {name: c.value(v) for name, v in node.values.items() if not isinstance(v, ops.Unnest)}
    unnest = {name: c.value(v.arg) for name, v in node.values.items() if isinstance(v, ops.Unnest)}
    names = list(node.values)
    if len(unnest) > 1:
        raise NotImplementedError("more than one unnest in one projection")

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        env = Env({key: frame.cols}, frame.n, ctx)
        cols = {name: fn(env) for name, fn in values.items()}
        if not unnest:
            return Frame({n: cols[n] for n in names}, frame.n)
        ((uname, ufn),) = unnest.items()
        rows: list[int] = []
        items: list[Any] = []
        for i, arr in enumerate(ufn(env)):
            for x in arr or ():
                rows.append(i)
                items.append(x)
        out = {n: ([cols[n][i] for i in rows] if n != uname else items) for n in names}
        return Frame(out, len(rows))

    return run


@builds(ops.Filter)
def _filter(c: Compiler, node: ops.Filter) -> RelFn:
    parent, key = _scope(c, node)
    predicates = [c.value(p) for p in node.predicates]

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        env = Env({key: frame.cols}, frame.n, ctx)
        keep = _masked([p(env) for p in predicates], frame.n)
        return frame if len(keep) == frame.n else frame.take(keep)

    return run


@builds(ops.Aggregate)
def _aggregate(c: Compiler, node: ops.Aggregate) -> RelFn:
    parent, key = _scope(c, node)
    groups = {name: c.value(v) for name, v in node.groups.items()}
    metrics = {name: c.value(v) for name, v in node.metrics.items()}

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        env = Env({key: frame.cols}, frame.n, ctx)
        key_cols = {name: fn(env) for name, fn in groups.items()}
        if groups:
            by: dict[tuple[Any, ...], list[int]] = {}
            for i, k in enumerate(row_keys(list(key_cols.values()), frame.n)):
                by.setdefault(k, []).append(i)
            members = list(by.values())
        else:
            members = [list(range(frame.n))]
        out = {name: [col[rows[0]] for rows in members] for name, col in key_cols.items()}
        genv = Env({}, len(members), ctx, groups=members, parent=env)
        out.update({name: fn(genv) for name, fn in metrics.items()})
        return Frame(out, len(members))

    return run


@builds(ops.Sort)
def _sort(c: Compiler, node: ops.Sort) -> RelFn:
    parent, key = _scope(c, node)
    keys = [(c.value(k.arg), k.ascending, k.nulls_first) for k in node.keys]

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        env = Env({key: frame.cols}, frame.n, ctx)
        specs = [(f(env), asc, nf) for f, asc, nf in keys]
        return frame.take(sort_indices(specs, list(range(frame.n))))

    return run


@builds(ops.Limit)
def _limit(c: Compiler, node: ops.Limit) -> RelFn:
    parent = c.rel(node.parent)
    if not isinstance(node.n, int | type(None)) or not isinstance(node.offset, int):
        raise NotImplementedError("limit with a computed bound")
    n, offset = node.n, node.offset

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        stop = frame.n if n is None else offset + n
        return frame.take(list(range(frame.n))[offset:stop])

    return run


@builds(ops.DropColumns)
def _drop(c: Compiler, node: ops.DropColumns) -> RelFn:
    parent = c.rel(node.parent)
    dropped = set(node.columns_to_drop)

    def run(ctx: Context) -> Frame:
        frame = parent(ctx)
        return Frame({k: v for k, v in frame.cols.items() if k not in dropped}, frame.n)

    return run


@builds(ops.Distinct)
def _distinct(c: Compiler, node: ops.Distinct) -> RelFn:
    parent = c.rel(node.parent)
    return lambda ctx: distinct_rows(parent(ctx))


def _aligned(frame: Frame, names: list[str]) -> list[list[Any]]:
    return (
        [frame.cols[n] for n in frame.cols]
        if list(frame.cols) == names
        else list(frame.cols.values())
    )


@builds(ops.Union, ops.Intersection)
def _set_op(c: Compiler, node: Any) -> RelFn:
    left, right = c.rel(node.left), c.rel(node.right)
    names = list(node.schema.names)
    union = isinstance(node, ops.Union)

    def run(ctx: Context) -> Frame:
        a, b = left(ctx), right(ctx)
        acols, bcols = _aligned(a, names), _aligned(b, names)
        if union:
            frame = Frame({n: acols[j] + bcols[j] for j, n in enumerate(names)}, a.n + b.n)
        else:
            theirs = set(row_keys(bcols, b.n))
            keep = [i for i, k in enumerate(row_keys(acols, a.n)) if k in theirs]
            frame = Frame({n: [acols[j][i] for i in keep] for j, n in enumerate(names)}, len(keep))
        return distinct_rows(frame) if node.distinct else frame

    return run


def _relations_of(node: ops.Node) -> set[ops.Node]:
    """The relations whose columns ``node`` reads in its own row scope (subqueries and the
    relations themselves are not entered)."""
    found: set[ops.Node] = set()
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ops.Field):
            found.add(current.rel)
        elif isinstance(current, ops.Node) and not isinstance(current, ops.Relation):
            stack.extend(current.__args__)
        elif isinstance(current, tuple | list):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())
    return found


@dataclass(frozen=True, slots=True)
class _Predicates:
    """A join link's predicates by what they read: the right table only, the rows joined so
    far only, an equality of one side with the other (hashable), or both (checked per pair)."""

    right: list[ValueFn]
    left: list[ValueFn]
    keys: list[tuple[ValueFn, ValueFn]]
    residual: list[ValueFn]


def _split(c: Compiler, predicates: tuple[Any, ...], right: ops.Node) -> _Predicates:
    out = _Predicates([], [], [], [])
    for p in predicates:
        rels = _relations_of(p)
        if rels <= {right}:
            out.right.append(c.value(p))
            continue
        if right not in rels:
            out.left.append(c.value(p))
            continue
        if isinstance(p, ops.Equals):
            lrels, rrels = _relations_of(p.left), _relations_of(p.right)
            if lrels and right not in lrels and rrels == {right}:
                out.keys.append((c.value(p.left), c.value(p.right)))
                continue
            if rrels and right not in rrels and lrels == {right}:
                out.keys.append((c.value(p.right), c.value(p.left)))
                continue
        out.residual.append(c.value(p))
    return out


@builds(ops.JoinChain)
def _join(c: Compiler, node: ops.JoinChain) -> RelFn:
    first_key, first = c.rel_key(node.first), c.rel(node.first)
    links = []
    for link in node.rest:
        split = _split(c, link.predicates, link.table)
        links.append((link.how, c.rel_key(link.table), c.rel(link.table), split))
    values = {name: c.value(v) for name, v in node.values.items()}

    def run(ctx: Context) -> Frame:
        frames = {first_key: first(ctx)}
        index: dict[int, list[int | None]] = {first_key: list(range(frames[first_key].n))}
        n = frames[first_key].n
        for how, rkey, rfn, split in links:
            rframe = rfn(ctx)
            frames[rkey] = rframe
            index, n = _link(ctx, how, (frames, index, n), rkey, rframe, split)
        env = Env({k: Gathered(frames[k], rows) for k, rows in index.items()}, n, ctx)
        return Frame({name: fn(env) for name, fn in values.items()}, n)

    return run


def _masked(masks: list[list[Any]], n: int) -> list[int]:
    """The rows where every mask is true."""
    keep = [i for i, m in enumerate(masks[0]) if m is True]
    for mask in masks[1:]:
        keep = [i for i in keep if mask[i] is True]
    return keep


def _link(
    ctx: Context,
    how: str,
    state: tuple[dict[int, Frame], dict[int, list[int | None]], int],
    rkey: int,
    rframe: Frame,
    split: _Predicates,
) -> tuple[dict[int, list[int | None]], int]:
    frames, index, n = state
    left_env = Env({k: Gathered(frames[k], rows) for k, rows in index.items()}, n, ctx)
    right_env = Env({rkey: rframe.cols}, rframe.n, ctx)
    lrows = _masked([p(left_env) for p in split.left], n) if split.left else range(n)
    rrows = (
        _masked([p(right_env) for p in split.right], rframe.n) if split.right else range(rframe.n)
    )
    if split.keys:
        lk = row_keys([lf(left_env) for lf, _ in split.keys], n)
        rk = row_keys([rf(right_env) for _, rf in split.keys], rframe.n)
        table: dict[tuple[Any, ...], list[int]] = {}
        for j in rrows:
            k = rk[j]
            if not any(x is None for x in k):
                table.setdefault(k, []).append(j)
        pairs = [(i, j) for i in lrows for j in table.get(lk[i], ())]
    else:
        pairs = [(i, j) for i in lrows for j in rrows]
    if split.residual and pairs:
        penv_frames: dict[int, dict[str, list[Any]]] = {
            k: Gathered(frames[k], [rows[i] for i, _ in pairs]) for k, rows in index.items()
        }
        penv_frames[rkey] = Gathered(rframe, [j for _, j in pairs])
        penv = Env(penv_frames, len(pairs), ctx)
        keep = _masked([r(penv) for r in split.residual], len(pairs))
        pairs = [pairs[t] for t in keep]
    return _combine(how, index, n, rkey, rframe.n, pairs)


def _combine(
    how: str,
    index: dict[int, list[int | None]],
    n: int,
    rkey: int,
    right_n: int,
    pairs: list[tuple[int, int]],
) -> tuple[dict[int, list[int | None]], int]:
    if how in ("semi", "anti"):
        matched = {i for i, _ in pairs}
        keep = [i for i in range(n) if (i in matched) == (how == "semi")]
        return {k: [rows[i] for i in keep] for k, rows in index.items()}, len(keep)
    if how not in ("inner", "left", "outer", "right", "cross"):
        raise NotImplementedError(f"{how} joins")
    out: list[tuple[int | None, int | None]] = list(pairs)
    if how in ("left", "outer"):
        seen = {i for i, _ in pairs}
        extra: list[tuple[int | None, int | None]] = [(i, None) for i in range(n) if i not in seen]
        out = _interleave(out, extra)
    if how in ("right", "outer"):
        seen_r = {j for _, j in pairs}
        out += [(None, j) for j in range(right_n) if j not in seen_r]
    new = {k: [None if i is None else rows[i] for i, _ in out] for k, rows in index.items()}
    new[rkey] = [j for _, j in out]
    return new, len(out)


def _interleave(
    pairs: list[tuple[int | None, int | None]], extra: list[tuple[int | None, int | None]]
) -> list[tuple[int | None, int | None]]:
    """Matched and unmatched left rows in left-row order (row order carries no meaning in SQL,
    but a stable order keeps runs reproducible)."""
    merged = pairs + extra
    merged.sort(key=lambda p: -1 if p[0] is None else p[0])
    return merged


def hashable_row(frame: Frame, i: int) -> tuple[Any, ...]:
    """Row ``i`` of ``frame`` as a hashable tuple."""
    return tuple(hashable(col[i]) for col in frame.cols.values())

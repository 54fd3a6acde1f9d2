"""Value expressions (columns, literals, functions) compiled to closures over an :class:`Env`.

Every builder receives the compiler and the ibis node and returns a function of the
environment giving one value per row (per group inside an aggregation)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ibis.expr.datatypes as dt
import ibis.expr.operations as ops

from nidation.engine.pyeval import scalars as s
from nidation.engine.pyeval.frame import Env, ValueFn

if TYPE_CHECKING:
    from nidation.engine.pyeval.compiler import Compiler

Builder = Callable[["Compiler", Any], ValueFn]
BUILDERS: dict[type[ops.Node], Builder] = {}


def builds(*types: type[ops.Node]) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        for t in types:
            BUILDERS[t] = fn
        return fn

    return register


def elementwise(fn: Callable[..., Any], args: list[ValueFn]) -> ValueFn:
    """Apply ``fn`` row by row to the values of ``args``."""
    if len(args) == 1:
        (a,) = args
        return lambda env: [fn(x) for x in a(env)]
    if len(args) == 2:
        a, b = args
        return lambda env: [fn(x, y) for x, y in zip(a(env), b(env), strict=True)]
    return lambda env: [fn(*row) for row in zip(*(f(env) for f in args), strict=True)]


def _python_literal(value: Any, dtype: dt.DataType) -> Any:
    if value is None:
        return None
    if dtype.is_array():
        return [_python_literal(v, dtype.value_type) for v in value]
    if dtype.is_map():
        return {k: _python_literal(v, dtype.value_type) for k, v in dict(value).items()}
    if dtype.is_floating():
        return float(value)
    if dtype.is_integer():
        return int(value)
    return value


@builds(ops.Literal)
def _literal(c: Compiler, node: ops.Literal) -> ValueFn:
    value = _python_literal(node.value, node.dtype)
    return lambda env: [value] * env.n


@builds(ops.Field)
def _field(c: Compiler, node: ops.Field) -> ValueFn:
    key, name = c.rel_key(node.rel), node.name

    def read(env: Env) -> list[Any]:
        try:
            return env.frames[key][name]
        except KeyError:
            raise NotImplementedError(f"column {name!r} is not in scope here") from None

    return read


@builds(ops.Alias)
def _alias(c: Compiler, node: ops.Alias) -> ValueFn:
    return c.value(node.arg)


_STRICT_BINARY: dict[type[ops.Node], Callable[[Any, Any], Any]] = {
    ops.Equals: operator.eq,
    ops.NotEquals: operator.ne,
    ops.Greater: operator.gt,
    ops.GreaterEqual: operator.ge,
    ops.Less: operator.lt,
    ops.LessEqual: operator.le,
    ops.Add: operator.add,
    ops.Subtract: operator.sub,
    ops.Multiply: operator.mul,
    ops.Divide: lambda a, b: s.divide(float(a), float(b)),
    ops.StringContains: lambda h, n: n in h,
    ops.StartsWith: lambda a, b: a.startswith(b),
    ops.ArrayContains: lambda a, b: b in a,
    ops.ArrayStringJoin: lambda a, sep: s.string_join(sep, a),
    ops.RegexSplit: lambda a, p: s.regex(p).split(a),
}

_STRICT_UNARY: dict[type[ops.Node], Callable[[Any], Any]] = {
    ops.Ln: lambda x: s.ln(float(x)),
    ops.Exp: lambda x: s.exp(float(x)),
    ops.Abs: abs,
    ops.Lowercase: str.lower,
    ops.Uppercase: str.upper,
    ops.Strip: str.strip,
    ops.ExtractYear: lambda d: d.year,
    ops.ExtractMonth: lambda d: d.month,
    ops.ExtractDay: lambda d: d.day,
    ops.ArraySort: s.sort_list,
    ops.Negate: operator.neg,
}


def literal_of(node: Any) -> tuple[bool, Any]:
    """``(True, value)`` when ``node`` is a literal."""
    if isinstance(node, ops.Literal):
        return True, _python_literal(node.value, node.dtype)
    return False, None


@builds(*_STRICT_BINARY)
def _binary(c: Compiler, node: Any) -> ValueFn:
    fn = _STRICT_BINARY[type(node)]
    left, right = (a for a in node.__args__ if isinstance(a, ops.Value))
    lconst, lv = literal_of(left)
    rconst, rv = literal_of(right)
    if rconst and rv is not None and not lconst:
        a = c.value(left)
        return lambda env: [None if x is None else fn(x, rv) for x in a(env)]
    if lconst and lv is not None and not rconst:
        b = c.value(right)
        return lambda env: [None if y is None else fn(lv, y) for y in b(env)]
    a, b = c.value(left), c.value(right)
    return lambda env: [
        None if x is None or y is None else fn(x, y) for x, y in zip(a(env), b(env), strict=True)
    ]


@builds(*_STRICT_UNARY)
def _unary(c: Compiler, node: Any) -> ValueFn:
    fn = _STRICT_UNARY[type(node)]
    a = c.value(node.arg)
    return lambda env: [None if x is None else fn(x) for x in a(env)]


@builds(ops.Floor, ops.Ceil)
def _floor_ceil(c: Compiler, node: Any) -> ValueFn:
    import math

    fn = math.floor if isinstance(node, ops.Floor) else math.ceil
    as_int = node.dtype.is_integer()
    return elementwise(
        s.strict(lambda x: int(fn(x)) if as_int else float(fn(x))), [c.value(node.arg)]
    )


@builds(ops.Round)
def _round(c: Compiler, node: ops.Round) -> ValueFn:
    as_int = node.dtype.is_integer()
    if node.digits is None:
        return elementwise(
            s.strict(
                lambda x: (
                    int(s.round_half_away(float(x))) if as_int else s.round_half_away(float(x))
                )
            ),
            [c.value(node.arg)],
        )
    return elementwise(
        s.strict(
            lambda x, d: (
                int(s.round_half_away(float(x), int(d)))
                if as_int
                else s.round_half_away(float(x), int(d))
            )
        ),
        [c.value(node.arg), c.value(node.digits)],
    )


@builds(ops.Not)
def _not(c: Compiler, node: ops.Not) -> ValueFn:
    a = c.value(node.arg)
    return lambda env: [None if x is None else not x for x in a(env)]


@builds(ops.IsNull, ops.NotNull)
def _null_test(c: Compiler, node: Any) -> ValueFn:
    arg = c.value(node.arg)
    if isinstance(node, ops.IsNull):
        return lambda env: [x is None for x in arg(env)]
    return lambda env: [x is not None for x in arg(env)]


@builds(ops.And, ops.Or)
def _logic(c: Compiler, node: Any) -> ValueFn:
    fn = s.and3 if isinstance(node, ops.And) else s.or3
    return elementwise(fn, [c.value(node.left), c.value(node.right)])


@builds(ops.Coalesce, ops.Greatest, ops.Least)
def _variadic(c: Compiler, node: Any) -> ValueFn:
    fn = {ops.Coalesce: s.coalesce, ops.Greatest: s.greatest, ops.Least: s.least}[type(node)]
    return elementwise(fn, [c.value(a) for a in node.arg])


@builds(ops.StringConcat)
def _concat(c: Compiler, node: ops.StringConcat) -> ValueFn:
    parts = [c.value(a) for a in node.arg]
    if len(parts) == 2:
        a, b = parts
        return lambda env: [
            None if x is None or y is None else x + y for x, y in zip(a(env), b(env), strict=True)
        ]

    def run(env: Env) -> list[Any]:
        return [
            None if None in row else "".join(row)
            for row in zip(*(p(env) for p in parts), strict=True)
        ]

    return run


@builds(ops.StringJoin)
def _string_join(c: Compiler, node: ops.StringJoin) -> ValueFn:
    sep = c.value(node.sep)
    parts = [c.value(a) for a in node.arg]

    def run(env: Env) -> list[Any]:
        cols = [p(env) for p in parts]
        return [
            None if sp is None else s.string_join(sp, [col[i] for col in cols])
            for i, sp in enumerate(sep(env))
        ]

    return run


@builds(ops.NullIf)
def _nullif(c: Compiler, node: ops.NullIf) -> ValueFn:
    return elementwise(
        lambda a, b: None if a is not None and b is not None and a == b else a,
        [c.value(node.arg), c.value(node.null_if_expr)],
    )


@builds(ops.IfElse)
def _ifelse(c: Compiler, node: ops.IfElse) -> ValueFn:
    return elementwise(
        lambda cond, t, f: t if cond is True else f,
        [c.value(node.bool_expr), c.value(node.true_expr), c.value(node.false_null_expr)],
    )


def _case(
    bases: list[ValueFn] | None, conds: list[ValueFn], results: list[ValueFn], default: ValueFn
) -> ValueFn:
    def run(env: Env) -> list[Any]:
        cs = [f(env) for f in conds]
        rs = [f(env) for f in results]
        out = list(default(env))
        base = bases[0](env) if bases else None
        for i in range(env.n):
            for cond, res in zip(cs, rs, strict=True):
                hit = (
                    (base[i] is not None and base[i] == cond[i])
                    if base is not None
                    else (cond[i] is True)
                )
                if hit:
                    out[i] = res[i]
                    break
        return out

    return run


def _default(c: Compiler, node: Any) -> ValueFn:
    if node.default is None:
        return lambda env: [None] * env.n
    return c.value(node.default)


@builds(ops.SearchedCase)
def _searched(c: Compiler, node: ops.SearchedCase) -> ValueFn:
    return _case(
        None,
        [c.value(x) for x in node.cases],
        [c.value(x) for x in node.results],
        _default(c, node),
    )


@builds(ops.SimpleCase)
def _simple(c: Compiler, node: ops.SimpleCase) -> ValueFn:
    return _case(
        [c.value(node.base)],
        [c.value(x) for x in node.cases],
        [c.value(x) for x in node.results],
        _default(c, node),
    )


@builds(ops.InValues)
def _in_values(c: Compiler, node: ops.InValues) -> ValueFn:
    value = c.value(node.value)
    options = [c.value(o) for o in node.options]

    def run(env: Env) -> list[Any]:
        opts = list(zip(*(o(env) for o in options), strict=True)) if options else [()] * env.n
        return [s.in_values(v, o) for v, o in zip(value(env), opts, strict=True)]

    return run


def _cast_kind(to: dt.DataType) -> str | None:
    for kind, test in (
        ("boolean", to.is_boolean),
        ("int", to.is_integer),
        ("float", to.is_floating),
        ("string", to.is_string),
        ("timestamp", to.is_timestamp),
        ("date", to.is_date),
    ):
        if test():
            return kind
    return None


@builds(ops.Cast)
def _cast(c: Compiler, node: ops.Cast) -> ValueFn:
    arg = c.value(node.arg)
    source, target = node.arg.dtype, node.to
    if source.is_null():
        return arg
    kind = _cast_kind(target)
    if kind is None:
        raise NotImplementedError(f"cast from {source} to {target}")
    return elementwise(s.caster(kind), [arg])


@builds(ops.DateDelta)
def _date_delta(c: Compiler, node: ops.DateDelta) -> ValueFn:
    part = node.part.value if isinstance(node.part, ops.Literal) else node.part
    return elementwise(
        s.strict(lambda a, b: s.date_delta(str(part), a, b)),
        [c.value(node.left), c.value(node.right)],
    )


@builds(ops.DateAdd, ops.TimestampAdd)
def _date_add(c: Compiler, node: Any) -> ValueFn:
    unit = node.right.dtype.unit.short
    return elementwise(
        s.strict(lambda d, k: s.add_interval(d, int(k), unit)),
        [c.value(node.left), c.value(node.right)],
    )


@builds(ops.DateFromYMD)
def _date_from_ymd(c: Compiler, node: ops.DateFromYMD) -> ValueFn:
    from datetime import date

    return elementwise(
        s.strict(lambda y, m, d: date(int(y), int(m), int(d))),
        [c.value(node.year), c.value(node.month), c.value(node.day)],
    )


@builds(ops.Substring)
def _substring(c: Compiler, node: ops.Substring) -> ValueFn:
    length = c.value(node.length) if node.length is not None else (lambda env: [None] * env.n)
    return elementwise(
        lambda x, st, ln: None if x is None or st is None else s.substring(x, int(st), ln),
        [c.value(node.arg), c.value(node.start), length],
    )


@builds(ops.RegexReplace, ops.StringReplace)
def _replace(c: Compiler, node: Any) -> ValueFn:
    fn = s.regex_replace if isinstance(node, ops.RegexReplace) else str.replace
    return elementwise(
        s.strict(fn), [c.value(node.arg), c.value(node.pattern), c.value(node.replacement)]
    )


@builds(ops.Array)
def _array(c: Compiler, node: ops.Array) -> ValueFn:
    consts = [literal_of(x) for x in node.exprs]
    if all(is_const for is_const, _ in consts):
        fixed = [v for _, v in consts]
        return lambda env: [list(fixed) for _ in range(env.n)]
    parts = [c.value(x) for x in node.exprs]

    def run(env: Env) -> list[Any]:
        cols = [p(env) for p in parts]
        return [list(row) for row in zip(*cols, strict=True)]

    return run


@builds(ops.Map)
def _map(c: Compiler, node: ops.Map) -> ValueFn:
    return elementwise(
        s.strict(lambda k, v: dict(zip(k, v, strict=True))),
        [c.value(node.keys), c.value(node.values)],
    )


@builds(ops.InSubquery)
def _in_subquery(c: Compiler, node: ops.InSubquery) -> ValueFn:
    rel = c.rel(node.rel)
    needle = c.value(node.needle)

    def run(env: Env) -> list[Any]:
        frame = rel(env.ctx)
        (column,) = frame.cols.values()
        present = {v for v in column if v is not None}
        has_null = any(v is None for v in column)
        out: list[Any] = []
        for v in needle(env):
            if v is None:
                out.append(None)
            elif v in present:
                out.append(True)
            else:
                out.append(None if has_null else False)
        return out

    return run

"""Element-wise functions with the semantics SQL engines give them (DuckDB is the reference):
null in, null out; three-valued logic; rounding half away from zero; DuckDB's text forms.

Each function takes and returns plain Python values (``None`` is SQL NULL)."""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

Fn = Callable[..., Any]


def strict(fn: Fn) -> Fn:
    """``fn`` lifted to return null whenever any argument is null."""

    def lifted(*args: Any) -> Any:
        for a in args:
            if a is None:
                return None
        return fn(*args)

    return lifted


def round_half_away(value: float, digits: int = 0) -> float:
    """``round(value, digits)`` as DuckDB computes it: scale, round half away from zero, unscale."""
    if math.isinf(value) or math.isnan(value):
        return value
    modifier = 10.0**digits
    scaled = value * modifier
    rounded = math.floor(abs(scaled) + 0.5)
    rounded = rounded if scaled >= 0 else -rounded
    result = rounded / modifier
    return value if math.isinf(result) or math.isnan(result) else float(result)


def float_text(value: float) -> str:
    """A double as DuckDB writes it (shortest round-trip form, ``inf``, ``nan``)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))


def to_text(value: Any) -> str:
    """Any scalar as DuckDB's ``CAST(x AS VARCHAR)`` writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(
            f"{to_text(k)}={'NULL' if v is None else to_text(v)}" for k, v in value.items()
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join("NULL" if v is None else to_text(v) for v in value) + "]"
    return str(value)


def _to_int(value: Any) -> int:
    if isinstance(value, float):
        return int(round_half_away(value))
    if isinstance(value, str):
        return int(value.strip())
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, str):
        return float(value.strip())
    return float(value)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _to_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "t", "1", "yes", "y")
    return bool(value)


def caster(kind: str) -> Fn:
    """The element-wise cast to an ibis type family (``int``, ``float``, ``string``, …)."""
    table: dict[str, Fn] = {
        "int": _to_int,
        "float": _to_float,
        "string": to_text,
        "date": _to_date,
        "timestamp": _to_timestamp,
        "boolean": _to_bool,
    }
    return strict(table[kind])


def add_interval(value: date, amount: int, unit: str) -> date:
    """``value + INTERVAL amount unit``; months and years clamp to the month's last day."""
    if unit in ("D", "day"):
        return value + timedelta(days=amount)
    if unit in ("W", "week"):
        return value + timedelta(weeks=amount)
    months = amount * 12 if unit in ("Y", "year") else amount
    if unit not in ("M", "month", "Y", "year"):
        raise NotImplementedError(f"interval unit {unit!r}")
    total = value.year * 12 + value.month - 1 + months
    year, month = divmod(total, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def date_delta(part: str, left: date, right: date) -> int:
    """Whole ``part``s from ``right`` to ``left`` (days only, as the rules use)."""
    if part != "day":
        raise NotImplementedError(f"date delta in {part!r}")
    return (_to_date(left) - _to_date(right)).days


def divide(left: float, right: float) -> float:
    """Division as DuckDB does it: a double, IEEE results (``inf``, ``nan``) for a zero divisor."""
    if right == 0:
        if left == 0 or math.isnan(left):
            return math.nan
        return math.copysign(math.inf, left) * math.copysign(1.0, right)
    return left / right


def ln(value: float) -> float:
    """Natural log as DuckDB gives it: ``-inf`` at 0, ``nan`` below."""
    if value == 0:
        return -math.inf
    if value < 0 or math.isnan(value):
        return math.nan
    return math.log(value)


def exp(value: float) -> float:
    """``e ** value``; ``inf`` on overflow, as DuckDB."""
    try:
        return math.exp(value)
    except OverflowError:
        return math.inf


@cache
def regex(pattern: str) -> re.Pattern[str]:
    """A compiled regular expression (RE2 and Python agree on the patterns rules use)."""
    return re.compile(pattern)


def regex_replace(value: str, pattern: str, replacement: str) -> str:
    """Replace every match (ibis's ``re_replace`` is global on every backend)."""
    py_replacement = re.sub(r"\$(\d)", r"\\\1", replacement)
    return regex(pattern).sub(py_replacement, value)


def substring(value: str, start: int, length: int | None) -> str:
    """ibis ``substr``: ``start`` counts from 0; negative from the end."""
    begin = start if start >= 0 else max(len(value) + start, 0)
    return value[begin:] if length is None else value[begin : begin + max(length, 0)]


def greatest(*values: Any) -> Any:
    """Largest non-null value; null when all are null."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


def least(*values: Any) -> Any:
    """Smallest non-null value; null when all are null."""
    present = [v for v in values if v is not None]
    return min(present) if present else None


def coalesce(*values: Any) -> Any:
    """First non-null value."""
    for v in values:
        if v is not None:
            return v
    return None


def and3(left: bool | None, right: bool | None) -> bool | None:
    """SQL ``AND``: false wins over null."""
    if left is False or right is False:
        return False
    if left is None or right is None:
        return None
    return True


def or3(left: bool | None, right: bool | None) -> bool | None:
    """SQL ``OR``: true wins over null."""
    if left is True or right is True:
        return True
    if left is None or right is None:
        return None
    return False


def in_values(value: Any, options: tuple[Any, ...]) -> bool | None:
    """SQL ``IN (…)`` with literal options: null when the value is null, or when it matches
    nothing and an option is null."""
    if value is None:
        return None
    if value in options:
        return True
    return None if any(o is None for o in options) else False


def string_join(sep: str, values: tuple[Any, ...] | list[Any]) -> str:
    """``concat_ws`` / ``array_to_string``: nulls are skipped."""
    return sep.join(str(v) for v in values if v is not None)


def sort_list(values: list[Any]) -> list[Any]:
    """``list_sort``: ascending, nulls last."""
    present = sorted(v for v in values if v is not None)
    return present + [None] * (len(values) - len(present))

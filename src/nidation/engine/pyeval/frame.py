"""The evaluator's runtime data: a table is a dict of equal-length Python lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Columns = dict[str, list[Any]]


@dataclass(slots=True)
class Frame:
    """A relation's rows, column by column."""

    cols: Columns
    n: int

    def take(self, rows: Sequence[int | None]) -> Frame:
        """The rows at ``rows`` (``None`` gives a row of nulls)."""
        return Frame({k: gather(v, rows) for k, v in self.cols.items()}, len(rows))


def gather(values: list[Any], rows: Sequence[int | None]) -> list[Any]:
    """``values`` at ``rows``; ``None`` positions give null."""
    return [None if i is None else values[i] for i in rows]


class Gathered(dict[str, list[Any]]):
    """Columns of ``frame`` taken at ``rows``, gathered when first read."""

    def __init__(self, frame: Frame, rows: Sequence[int | None]) -> None:
        super().__init__()
        self.frame = frame
        self.rows = rows

    def __missing__(self, name: str) -> list[Any]:
        column = gather(self.frame.cols[name], self.rows)
        self[name] = column
        return column


@dataclass(slots=True)
class Context:
    """One run: the bound input tables and the results of relations computed so far."""

    tables: dict[str, Frame]
    cache: dict[int, Frame] = field(default_factory=dict)


@dataclass(slots=True)
class Env:
    """Where a value expression is evaluated: the relations in scope (by compile-time key),
    aligned to ``n`` rows. In an aggregation, ``groups`` holds the row indices of each group
    in ``parent`` and ``n`` is the number of groups."""

    frames: dict[int, dict[str, list[Any]]]
    n: int
    ctx: Context
    groups: list[list[int]] | None = None
    parent: Env | None = None


ValueFn = Callable[[Env], list[Any]]
RelFn = Callable[[Context], Frame]


def hashable(value: Any) -> Any:
    """A dict-key form of a value (lists and maps become tuples)."""
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, hashable(v)) for k, v in value.items())
    return value


def _hashable_column(values: list[Any]) -> list[Any]:
    for v in values:
        if isinstance(v, list | dict):
            return [hashable(x) for x in values]
    return values


def row_keys(columns: Sequence[list[Any]], n: int) -> list[tuple[Any, ...]]:
    """Each row of ``columns`` as a hashable tuple."""
    if not columns:
        return [()] * n
    return list(zip(*(_hashable_column(c) for c in columns), strict=True))


def sort_indices(keys: Sequence[tuple[list[Any], bool, bool]], rows: list[int]) -> list[int]:
    """``rows`` ordered by ``keys`` — ``(values, ascending, nulls_first)`` each — as SQL
    orders them; ties keep their order (stable)."""
    order = list(rows)
    for values, ascending, nulls_first in reversed(keys):
        present = [i for i in order if values[i] is not None]
        missing = [i for i in order if values[i] is None]
        present.sort(key=lambda i: values[i], reverse=not ascending)
        order = missing + present if nulls_first else present + missing
    return order


def distinct_rows(frame: Frame) -> Frame:
    """``frame`` without repeated rows (first occurrence kept)."""
    keys = row_keys(list(frame.cols.values()), frame.n)
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for i, key in enumerate(keys):
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return frame.take(keep)

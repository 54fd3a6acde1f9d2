"""Lookup tables: CSV rows with a TOML sidecar, checked for bands, keys and probabilities."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import product
from typing import Any

import pyarrow as pa
from pydantic import Field

from nidation.knowledge.model import Band, Cell, NonEmpty, _Frozen
from nidation.knowledge.problems import build, fail

__all__ = ["LookupTable", "parse_table", "table_from_rows"]

PROVENANCE_COLUMNS = {"source": "str", "locator": "str", "verified": "bool"}
COLUMN_TYPES = {"str", "str?", "float", "float?", "int", "int?", "bool"}
_ARROW = {"str": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}


class LookupTable(_Frozen):
    """A table of rows (plain dicts) with provenance per table and per row."""

    name: NonEmpty
    title: NonEmpty
    csv: str = ""
    source: NonEmpty
    locator: NonEmpty
    verified: bool
    description: str = ""
    columns: Mapping[str, str]
    key_columns: tuple[str, ...] = ()
    probability_columns: tuple[str, ...] = ()
    grid_columns: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    valid_range: Mapping[str, tuple[float, float]] = Field(default_factory=dict)
    allowed_values: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    rows: tuple[dict[str, Cell], ...] = ()

    def to_dicts(self) -> list[dict[str, Cell]]:
        """The rows as fresh dicts (safe to modify)."""
        return [dict(row) for row in self.rows]

    def to_arrow(self) -> pa.Table:
        schema = pa.schema(
            [pa.field(name, _ARROW[kind.rstrip("?")]) for name, kind in self.columns.items()]
        )
        return pa.Table.from_pylist(self.to_dicts(), schema=schema)

    def band(self, name: str) -> Band | None:
        return next((b for b in self.bands if b.name == name), None)

    def matches(self, **criteria: Any) -> list[dict[str, Cell]]:
        """Rows matching every criterion: a band name takes a number, a column a value."""
        found = []
        for row in self.rows:
            if all(self._match(row, name, wanted) for name, wanted in criteria.items()):
                found.append(dict(row))
        return found

    def lookup(self, **criteria: Any) -> dict[str, Cell] | None:
        """The one row matching ``criteria`` (None when no row does)."""
        found = self.matches(**criteria)
        if len(found) > 1:
            raise ValueError(
                f"table {self.name!r}: {len(found)} rows match {criteria}; give every key column"
            )
        return found[0] if found else None

    def value(self, column: str, **criteria: Any) -> float | None:
        """The number in ``column`` of the matching row (None when no row or an empty cell)."""
        if column not in self.columns:
            raise KeyError(f"table {self.name!r} has no column {column!r}")
        row = self.lookup(**criteria)
        cell = None if row is None else row[column]
        return None if cell is None else float(cell)

    def in_valid_range(self, **values: float) -> bool:
        """Whether every given value lies within the table's documented valid range."""
        for name, number in values.items():
            if name not in self.valid_range:
                raise KeyError(f"table {self.name!r} declares no valid range for {name!r}")
            low, high = self.valid_range[name]
            if not low <= number <= high:
                return False
        return True

    def _match(self, row: Mapping[str, Cell], name: str, wanted: Any) -> bool:
        band = self.band(name)
        if band is not None:
            low, high = row[band.min_column], row[band.max_column]
            return (low is None or float(wanted) >= low) and (  # type: ignore[operator]
                high is None or float(wanted) < high  # type: ignore[operator]
            )
        if name not in self.columns:
            raise KeyError(f"table {self.name!r} has no column or band {name!r}")
        return bool(row[name] == wanted)


def parse_table(sidecar: Mapping[str, Any], csv_text: str, *, file: str) -> LookupTable:
    """Build a table from its sidecar ``[table]`` and CSV text; every check names file and row."""
    reader = csv.DictReader(io.StringIO(csv_text))
    header = list(reader.fieldnames or [])
    declared = list(sidecar.get("columns", {}))
    if sorted(header) != sorted(declared):
        raise fail(
            file,
            "header",
            "columns",
            f"CSV columns {header} differ from the sidecar's {declared}",
            "Make the CSV header and [table.columns] agree",
        )
    raw_rows = [(f"row {i}", dict(row)) for i, row in enumerate(reader, start=2)]
    return table_from_rows(sidecar, raw_rows, file=file)


def table_from_rows(
    sidecar: Mapping[str, Any], raw_rows: Sequence[tuple[str, Mapping[str, Any]]], *, file: str
) -> LookupTable:
    """Build and check a table from labelled raw rows (CSV strings or typed TOML values)."""
    columns: Mapping[str, str] = sidecar.get("columns", {})
    for name, kind in {**PROVENANCE_COLUMNS, **columns}.items():
        if columns.get(name) not in COLUMN_TYPES or (
            name in PROVENANCE_COLUMNS and columns[name] != kind
        ):
            want = PROVENANCE_COLUMNS.get(name, " | ".join(sorted(COLUMN_TYPES)))
            raise fail(
                file,
                "table.columns",
                name,
                f"type {columns.get(name)!r} is not {want}",
                "Declare every column with a type; source, locator and verified are "
                "required in every table",
            )
    rows: list[dict[str, Cell]] = []
    for label, raw in raw_rows:
        unknown = set(raw) - set(columns)
        if unknown:
            raise fail(file, label, sorted(unknown)[0], "not a declared column")
        rows.append({c: _cell(raw.get(c), kind, file, label, c) for c, kind in columns.items()})
    table = build(LookupTable, {**sidecar, "rows": tuple(rows)}, file=file, entry="table")
    labels = [label for label, _ in raw_rows]
    _check_rows(table, labels, file)
    return table


def _cell(raw: Any, kind: str, file: str, label: str, column: str) -> Cell:
    optional = kind.endswith("?")
    base = kind.rstrip("?")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if optional:
            return None
        raise fail(file, label, column, "empty, but the column is required")
    try:
        if base == "str":
            return str(raw).strip()
        if base == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in {"true", "false"}:
                raise ValueError(f"{raw!r} is not true or false")
            return text == "true"
        if isinstance(raw, bool):
            raise ValueError("a boolean is not a number")
        number = float(raw)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        if base == "int":
            if number != int(number):
                raise ValueError(f"{raw!r} is not a whole number")
            return int(number)
        return number
    except ValueError as exc:
        raise fail(file, label, column, f"{raw!r} is not a valid {base} ({exc})") from None


def _check_rows(table: LookupTable, labels: list[str], file: str) -> None:
    for name in (*table.key_columns, *table.probability_columns, *table.grid_columns):
        if name not in table.columns:
            raise fail(file, "table", name, "named in the sidecar but not a column")
    for band in table.bands:
        for name in (band.min_column, band.max_column):
            if table.columns.get(name) not in {"float?", "int?", "float", "int"}:
                raise fail(file, f"band {band.name}", name, "band bounds must be numeric columns")
    for label, row in zip(labels, table.rows, strict=True):
        for name in table.probability_columns:
            cell = row[name]
            if cell is not None and not 0.0 <= float(cell) <= 1.0:
                raise fail(file, label, name, f"probability {cell} is outside [0, 1]")
        for name, allowed in table.allowed_values.items():
            if row.get(name) not in allowed:
                raise fail(file, label, name, f"{row.get(name)!r} is not one of {list(allowed)}")
    _check_unique_keys(table, labels, file)
    for band in table.bands:
        _check_band(table, band, labels, file)
    _check_grid(table, file)


def _check_unique_keys(table: LookupTable, labels: list[str], file: str) -> None:
    key_names = [*table.key_columns, *(b.min_column for b in table.bands)]
    seen: dict[tuple[Cell, ...], str] = {}
    for label, row in zip(labels, table.rows, strict=True):
        key = tuple(row[name] for name in key_names)
        if key in seen:
            raise fail(
                file,
                label,
                ", ".join(key_names),
                f"duplicate key {key} (also {seen[key]})",
                "Keys must be unique",
            )
        seen[key] = label


def _check_band(table: LookupTable, band: Band, labels: list[str], file: str) -> None:
    groups: dict[tuple[Cell, ...], list[tuple[str, dict[str, Cell]]]] = {}
    for label, row in zip(labels, table.rows, strict=True):
        groups.setdefault(tuple(row[k] for k in table.key_columns), []).append((label, row))
    for members in groups.values():
        ordered = sorted(members, key=lambda m: _low(m[1][band.min_column]))
        for index, (label, row) in enumerate(ordered):
            low, high = row[band.min_column], row[band.max_column]
            if low is None and index > 0:
                raise fail(file, label, band.min_column, "only the first band may be open below")
            if high is None and index < len(ordered) - 1:
                raise fail(file, label, band.max_column, "only the last band may be open above")
            if low is not None and high is not None and not low < high:  # type: ignore[operator]
                raise fail(file, label, band.max_column, f"band [{low}, {high}) is empty")
            if index > 0:
                previous = ordered[index - 1][1][band.max_column]
                if previous != low:
                    what = "overlap" if previous is not None and low < previous else "gap"  # type: ignore[operator]
                    raise fail(
                        file,
                        label,
                        band.min_column,
                        f"{what} in band {band.name!r}: previous band ends at {previous}, "
                        f"this one starts at {low}",
                        "Bands must be contiguous and must not overlap",
                    )


def _low(value: Cell) -> float:
    return -math.inf if value is None else float(value)


def _check_grid(table: LookupTable, file: str) -> None:
    if not table.grid_columns:
        return
    axes: list[Iterable[Cell]] = [
        sorted({row[c] for row in table.rows}, key=_low) for c in table.grid_columns
    ]
    present = {tuple(row[c] for c in table.grid_columns) for row in table.rows}
    for point in product(*axes):
        if point not in present:
            raise fail(file, "grid", ", ".join(table.grid_columns), f"cell {point} is missing")
    for name, (low, high) in table.valid_range.items():
        if name not in table.grid_columns:
            raise fail(file, "table.valid_range", name, "not a grid column")
        values = [float(row[name]) for row in table.rows]  # type: ignore[arg-type]
        if min(values) < low or max(values) > high:
            raise fail(
                file,
                "table.valid_range",
                name,
                f"grid values {min(values)}–{max(values)} exceed the range {low}–{high}",
            )

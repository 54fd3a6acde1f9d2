"""Vectorised building blocks of the synthetic cohort: one chunk of patients and the rows
collected for each fact table, turned into Arrow tables in the facts schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from nidation.cohort.params import SynthParameters
from nidation.engine.facts_schema import SCHEMAS

__all__ = ["Chunk", "Rows", "dates", "numbers", "strings"]

# numpy's precise dtypes do not survive arithmetic in its stubs; the arrays are 1-D.
Ints = npt.NDArray[Any]
Floats = npt.NDArray[Any]
Bools = npt.NDArray[Any]
_F64 = pa.float64()


def dates(days: Ints, valid: Bools | None = None) -> pa.Array:
    """Days since 1970-01-01 as ``date32`` (null where not ``valid``)."""
    mask = None if valid is None else ~valid
    return pa.array(days.astype(np.int32), pa.int32(), mask=mask).view(pa.date32())


def numbers(values: Floats, valid: Bools | None = None, *, kind: pa.DataType = _F64) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(values, kind, mask=mask)


def strings(values: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(values.astype(str), pa.string(), mask=mask)


@dataclass
class Chunk:
    """One chunk of synthetic patients (arrays indexed by patient within the chunk)."""

    rng: np.random.Generator
    p: SynthParameters
    ids: pa.Array
    as_of: Ints
    age: Floats
    rpl: Bools
    workup: Ints  # 0 none recorded, 1 partial, 2 complete

    @property
    def n(self) -> int:
        return len(self.as_of)

    def uniform(self, low: float, high: float, size: int) -> Floats:
        return self.rng.uniform(low, high, size)

    def days(self, low: int, high: int, size: int) -> Ints:
        return self.rng.integers(low, high, size).astype(np.int64)


@dataclass
class Rows:
    """Rows of one fact table collected in parts: who owns each row, in what order, and its
    column values. :meth:`table` sorts them, numbers them (``seq``) and names them."""

    name: str
    owners: list[Ints] = field(default_factory=list)
    orders: list[Ints] = field(default_factory=list)
    parts: list[dict[str, pa.Array]] = field(default_factory=list)

    def add(self, owner: Ints, order: Ints, **columns: pa.Array) -> None:
        if len(owner):
            self.owners.append(owner)
            self.orders.append(order)
            self.parts.append(columns)

    def table(
        self, chunk: Chunk, *, id_tag: str | None = None, seq: str | None = "seq"
    ) -> pa.Table:
        schema = SCHEMAS[self.name]
        if not self.owners:
            return schema.empty_table()
        owner = np.concatenate(self.owners)
        order = np.lexsort((np.concatenate(self.orders), owner))
        owner = owner[order]
        n = len(owner)
        columns: dict[str, pa.Array] = {}
        for column in schema.names:
            pieces = [
                part.get(column, pa.nulls(len(o), schema.field(column).type))
                for part, o in zip(self.parts, self.owners, strict=True)
            ]
            columns[column] = pa.concat_arrays(
                [p.cast(schema.field(column).type) for p in pieces]
            ).take(pa.array(order))
        columns["patient_id"] = chunk.ids.take(pa.array(owner))
        number = np.arange(n) - np.searchsorted(owner, owner, side="left")
        if seq is not None:
            columns[seq] = pa.array(number, pa.int64())
        if id_tag is not None:
            text = pc.cast(pa.array(number + 1), pa.string())
            columns["id"] = pc.binary_join_element_wise(columns["patient_id"], id_tag, text, "")
        return pa.Table.from_arrays([columns[c] for c in schema.names], schema=schema)

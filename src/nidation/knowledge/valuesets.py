"""Value sets: ``<name>.csv`` (key,code,system,display) plus a ``<name>.toml`` sidecar."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from nidation.knowledge.model import ValueSet, ValueSetEntry
from nidation.knowledge.problems import build, fail, table_of

__all__ = ["HEADER", "parse_valueset"]

HEADER = ["key", "code", "system", "display"]


def parse_valueset(name: str, sidecar: Mapping[str, Any], csv_text: str) -> ValueSet:
    """Build one value set; rows must be unique by (key, system, code)."""
    file = f"valuesets/{name}.csv"
    meta = table_of(sidecar, "valueset", file=f"valuesets/{name}.toml")
    if meta.get("name", name) != name:
        raise fail(f"valuesets/{name}.toml", "valueset", "name", "differs from the file name")
    reader = csv.DictReader(io.StringIO(csv_text))
    if reader.fieldnames != HEADER:
        raise fail(file, "header", "columns", f"{reader.fieldnames} is not {HEADER}")
    entries: list[ValueSetEntry] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        entry = build(ValueSetEntry, row, file=file, entry=f"row {line}")
        identity = (entry.key, entry.system, entry.code)
        if identity in seen:
            raise fail(file, f"row {line}", "key", f"duplicate of row {seen[identity]}")
        seen[identity] = line
        entries.append(entry)
    return build(
        ValueSet,
        {**meta, "name": name, "entries": tuple(entries)},
        file=f"valuesets/{name}.toml",
        entry="valueset",
    )

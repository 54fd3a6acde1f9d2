"""Clinic overlays: a clinic's own tables and settings on top of the packaged knowledge.

An overlay is a TOML file::

    [meta]
    name = "Clinic X 2026"                 # printed with every result that used it

    [sources.clinic-x-2026]                # new sources only; base sources cannot be redefined
    kind = "clinic data"
    title = "..."
    verified = false

    [thresholds."rif.eshre_cumulative_threshold_fraction"]   # existing keys only
    value = 0.65
    source = "clinic-x-2026"
    locator = "RIF protocol v3, section 2"
    verified = false

    [tables.embryo_implantation]           # replaces every row of an existing table
    source = "clinic-x-2026"
    locator = "Audit 2021–2025, table 1"
    verified = false
    rows = [ { age_max = 35, stage = "blastocyst", ... }, ... ]

It is checked exactly like the base: every overridden key must exist, every source must resolve,
table bands must stay contiguous and probabilities within [0, 1].
"""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib
import re
import tomllib
from types import MappingProxyType
from typing import Any

from nidation.knowledge.knowledge import Knowledge
from nidation.knowledge.load import cross_check, keyed
from nidation.knowledge.model import Source, Threshold
from nidation.knowledge.problems import build, fail, table_of
from nidation.knowledge.tables import LookupTable, table_from_rows

__all__ = ["apply_overlay", "overlay_slug"]

SECTIONS = {"meta", "sources", "thresholds", "tables"}
PROVENANCE = ("source", "locator", "verified")
TABLE_FIELDS = {"source", "locator", "verified", "description", "rows"}


def overlay_slug(name: str) -> str:
    """The overlay's name as it appears in a version string."""
    return re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-").lower()


def apply_overlay(base: Knowledge, path: pathlib.Path) -> Knowledge:
    """Return ``base`` with the overlay at ``path`` applied, validated and named in the version."""
    if base.overlay is not None:
        raise fail(
            path.name,
            "",
            "",
            f"an overlay ({base.overlay!r}) is already applied",
            "Apply overlays to the base knowledge only",
        )
    file = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(file, "", "", f"cannot be read ({exc.strerror})", "Check the path") from None
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail(file, "", "", f"not valid TOML ({exc})", "Fix the syntax") from None
    unknown = sorted(set(document) - SECTIONS)
    if unknown:
        raise fail(file, unknown[0], "", "overlays may contain only " + ", ".join(sorted(SECTIONS)))
    meta = table_of(document, "meta", file=file)
    name = meta.get("name")
    if not isinstance(name, str) or not overlay_slug(name):
        raise fail(file, "meta", "name", "missing", "Name the overlay, e.g. 'Clinic X 2026'")
    sources = _sources(base, document, file)
    staged = dataclasses.replace(base, sources=MappingProxyType(sources))
    thresholds = dict(base.thresholds)
    for key, entry in _section(document, "thresholds", file).items():
        thresholds[key] = _threshold(base, key, entry, file)
    tables = dict(base.tables)
    for table_name, entry in _section(document, "tables", file).items():
        tables[table_name] = _table(base, table_name, entry, file)
    knowledge = dataclasses.replace(
        staged,
        thresholds=MappingProxyType(thresholds),
        tables=MappingProxyType(tables),
        overlay=name,
        overlay_tag=f"{overlay_slug(name)}-{hashlib.sha256(raw).hexdigest()[:8]}",
    )
    cross_check(knowledge)
    return knowledge


def _section(document: dict[str, Any], name: str, file: str) -> dict[str, Any]:
    section = document.get(name, {})
    if not isinstance(section, dict):
        raise fail(file, name, "", "must be a table")
    return section


def _sources(base: Knowledge, document: dict[str, Any], file: str) -> dict[str, Source]:
    new = keyed(document, "sources", Source, "key", file) if "sources" in document else {}
    for key in new:
        if key in base.sources:
            raise fail(
                file,
                f"sources.{key}",
                "key",
                "already declared in the base knowledge",
                "Declare the clinic's own source under a new key",
            )
    return {**base.sources, **new}


def _require(entry: Any, label: str, file: str) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise fail(file, label, "", "must be a table of fields")
    for field in PROVENANCE:
        if field not in entry:
            raise fail(
                file,
                label,
                field,
                "missing",
                "Every overridden entry needs its own source, locator and verified flag",
            )
    return entry


def _threshold(base: Knowledge, key: str, entry: Any, file: str) -> Threshold:
    label = f"thresholds.{key}"
    if key not in base.thresholds:
        raise fail(
            file,
            label,
            "",
            "not a key of the base knowledge",
            "Overlays may only override existing thresholds; check the spelling",
        )
    fields = _require(entry, label, file)
    original = base.thresholds[key]
    if "unit" in fields and fields["unit"] != original.unit:
        raise fail(
            file,
            label,
            "unit",
            f"{fields['unit']!r} differs from the base unit {original.unit!r}",
            "Give the value in the base unit",
        )
    merged = {**original.model_dump(exclude={"note"}), **fields, "key": key}
    threshold = build(Threshold, merged, file=file, entry=label)
    if isinstance(threshold.value, str) != isinstance(original.value, str):
        kind = "text" if isinstance(original.value, str) else "a number"
        raise fail(file, label, "value", f"must be {kind}, like the base value")
    return threshold


def _table(base: Knowledge, name: str, entry: Any, file: str) -> LookupTable:
    label = f"tables.{name}"
    if name not in base.tables:
        raise fail(
            file,
            label,
            "",
            "not a table of the base knowledge",
            "Overlays may only replace existing tables",
        )
    fields = _require(entry, label, file)
    extra = sorted(set(fields) - TABLE_FIELDS)
    if extra:
        raise fail(file, label, extra[0], "not an overlay table field")
    rows = fields.get("rows")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise fail(file, label, "rows", "must be a non-empty array of tables")
    sidecar = base.tables[name].model_dump(exclude={"rows"})
    sidecar.update({k: v for k, v in fields.items() if k != "rows"})
    sidecar["csv"] = file
    labelled = [(f"{label}.rows[{i}]", row) for i, row in enumerate(rows)]
    return table_from_rows(sidecar, labelled, file=file)

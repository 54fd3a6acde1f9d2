"""Reading the data files, checking them against each other, and caching the result."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pathlib
from collections.abc import Iterator, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel

from nidation.knowledge.knowledge import CODED_VALUESETS, Knowledge
from nidation.knowledge.medications import check_medication_tables
from nidation.knowledge.model import (
    LabTest,
    PlausibilityLimit,
    Recommendation,
    Source,
    Threshold,
    ValueSet,
)
from nidation.knowledge.problems import build, fail, read_toml, table_of
from nidation.knowledge.tables import LookupTable, parse_table
from nidation.knowledge.therapies import check_therapies, load_therapies
from nidation.knowledge.therapy_tables import therapy_tables
from nidation.knowledge.units import Labs
from nidation.knowledge.valuesets import parse_valueset

__all__ = ["build_knowledge", "data_root", "load_knowledge"]

M = TypeVar("M", bound=BaseModel)
OVERLAY_DIR = "overlays"


def data_root() -> Traversable:
    """The packaged data directory."""
    return files("nidation.knowledge").joinpath("data")


def load_knowledge(
    overlay: pathlib.Path | None = None, *, data_root: pathlib.Path | None = None
) -> Knowledge:
    """Load and cross-check the knowledge base, optionally with a clinic overlay applied.

    The packaged knowledge without an overlay is loaded once per process and cached.
    ``data_root`` (a directory laid out like the packaged ``data/``) is for tests and tools.
    Any inconsistency raises :class:`nidation.errors.KnowledgeError` naming file, entry and field.
    """
    base = _packaged() if data_root is None else build_knowledge(data_root)
    if overlay is None:
        return base
    from nidation.knowledge.overlay import apply_overlay

    return apply_overlay(base, overlay)


@functools.cache
def _packaged() -> Knowledge:
    return build_knowledge(data_root())


def build_knowledge(root: Traversable) -> Knowledge:
    """Read every data file below ``root`` and check them against each other."""
    meta = table_of(read_toml(root, "meta.toml"), "meta", file="meta.toml")
    version = meta.get("version")
    if not isinstance(version, str) or not version:
        raise fail("meta.toml", "meta", "version", "missing", "Give a data version string")
    sources = split_keyed(root, "sources", Source, "key")
    recommendations = split_keyed(root, "recommendations", Recommendation, "id")
    thresholds = split_keyed(root, "thresholds", Threshold, "key")
    plausibility = keyed(
        read_toml(root, "plausibility.toml"),
        "plausibility",
        PlausibilityLimit,
        "key",
        "plausibility.toml",
    )
    tables = _tables(root)
    valuesets = _valuesets(root)
    tests = keyed(read_toml(root, "labs.toml"), "labs", LabTest, "key", "labs.toml")
    units_file = root.joinpath("units.txt")
    if not units_file.is_file():
        raise fail("units.txt", "", "", "file is missing", "Restore it from the repository")
    labs = Labs(tests, units_file.read_text(encoding="utf-8"))
    therapies = load_therapies(root)
    knowledge = Knowledge(
        data_version=version,
        content_hash=content_hash(root),
        sources=MappingProxyType(sources),
        recommendations=MappingProxyType(recommendations),
        thresholds=MappingProxyType(thresholds),
        tables=MappingProxyType(tables),
        plausibility=MappingProxyType(plausibility),
        valuesets=MappingProxyType(valuesets),
        labs=labs,
        therapies=therapies,
    )
    cross_check(knowledge)
    # The catalogue as tables, once check_therapies (in cross_check) has accepted it.
    therapy_names = valuesets.get("therapies")
    displays = {e.key: e.display for e in therapy_names.entries} if therapy_names else {}
    flat = therapy_tables(therapies, displays)
    return dataclasses.replace(knowledge, tables=MappingProxyType({**tables, **flat}))


def split_keyed(root: Traversable, section: str, model: type[M], key_field: str) -> dict[str, M]:
    """``<section>.toml`` plus every ``<section>.d/*.toml`` (one file per clinical area, so
    areas can be written independently); a key defined twice is an error naming both files."""
    merged: dict[str, M] = {}
    origin: dict[str, str] = {}
    files = [f"{section}.toml"]
    folder = root.joinpath(f"{section}.d")
    if folder.is_dir():
        files += sorted(
            f"{section}.d/{n.name}" for n in folder.iterdir() if n.name.endswith(".toml")
        )
    for file in files:
        for key, entry in keyed(read_toml(root, file), section, model, key_field, file).items():
            if key in merged:
                raise fail(
                    file, key, key_field, f"already defined in {origin[key]}", "Keep one definition"
                )
            merged[key] = entry
            origin[key] = file
    return merged


def keyed(
    document: Mapping[str, Any], section: str, model: type[M], key_field: str, file: str
) -> dict[str, M]:
    """Build ``model`` for every entry of ``[section.<key>]``, the key filled into ``key_field``."""
    result: dict[str, M] = {}
    for key, entry in table_of(document, section, file=file).items():
        label = key if key.startswith(f"{section}.") else f"{section}.{key}"
        if not isinstance(entry, dict):
            raise fail(file, label, "", "must be a table of fields")
        if key_field in entry and entry[key_field] != key:
            raise fail(file, label, key_field, f"{entry[key_field]!r} differs from the table key")
        result[key] = build(model, {**entry, key_field: key}, file=file, entry=label)
    return result


def _tables(root: Traversable) -> dict[str, LookupTable]:
    tables: dict[str, LookupTable] = {}
    folder = root.joinpath("tables")
    for node in sorted(_children(folder), key=lambda n: n.name):
        if not node.name.endswith(".toml"):
            continue
        file = f"tables/{node.name}"
        sidecar = table_of(read_toml(root, file), "table", file=file)
        csv_name = sidecar.get("csv") or node.name.removesuffix(".toml") + ".csv"
        csv_node = folder.joinpath(str(csv_name))
        if not csv_node.is_file():
            raise fail(file, "table", "csv", f"{csv_name!r} does not exist")
        table = parse_table(
            sidecar, csv_node.read_text(encoding="utf-8"), file=f"tables/{csv_name}"
        )
        if table.name in tables:
            raise fail(file, "table", "name", f"table {table.name!r} is defined twice")
        tables[table.name] = table
    return tables


def _valuesets(root: Traversable) -> dict[str, ValueSet]:
    result: dict[str, ValueSet] = {}
    folder = root.joinpath("valuesets")
    for node in sorted(_children(folder), key=lambda n: n.name):
        if node.name.endswith(".csv"):
            name = node.name.removesuffix(".csv")
            sidecar = read_toml(root, f"valuesets/{name}.toml")
            result[name] = parse_valueset(name, sidecar, node.read_text(encoding="utf-8"))
    for name in (*CODED_VALUESETS, "loinc"):
        if name not in result:
            raise fail(f"valuesets/{name}.csv", "", "", "required value set is missing")
    return result


def cross_check(kb: Knowledge) -> None:
    """Every reference resolves and every key sits in its own namespace."""
    for file, entries in (
        ("recommendations.toml", kb.recommendations),
        ("thresholds.toml", kb.thresholds),
        ("plausibility.toml", kb.plausibility),
    ):
        for key, entry in entries.items():
            _resolves(kb, entry.source, file, key)
    for rec_id, rec in kb.recommendations.items():
        if not rec_id.startswith(f"{rec.source}/") or rec_id == f"{rec.source}/":
            raise fail("recommendations.toml", rec_id, "id", "must be '<source>/<slug>'")
    for key in kb.thresholds:
        if key.startswith("plausibility.") or "." not in key:
            raise fail("thresholds.toml", key, "key", "must be '<area>.<name_with_unit>'")
    for key in kb.plausibility:
        if not key.startswith("plausibility."):
            raise fail("plausibility.toml", key, "key", "must start with 'plausibility.'")
    for name, table in kb.tables.items():
        _resolves(kb, table.source, f"tables/{table.csv}", f"table {name}")
        for index, row in enumerate(table.rows, start=2):
            _resolves(kb, str(row["source"]), f"tables/{table.csv}", f"row {index}")
    for name, valueset in kb.valuesets.items():
        _resolves(kb, valueset.source, f"valuesets/{name}.toml", "valueset")
    for key, test in kb.labs.tests.items():
        _resolves(kb, test.source, "labs.toml", f"labs.{key}")
        for conversion in test.conversions:
            _resolves(kb, conversion.source, "labs.toml", f"labs.{key}.conversions")
        if test.plausible is not None:
            _resolves(kb, test.plausible.source, "labs.toml", f"labs.{key}.plausible")
    _check_loinc(kb)
    check_medication_tables(kb)
    check_therapies(kb)


def _resolves(kb: Knowledge, source: str, file: str, entry: str) -> None:
    if source not in kb.sources:
        raise fail(
            file,
            entry,
            "source",
            f"{source!r} is not a key in sources.toml",
            "Declare the source or fix the key",
        )


def _check_loinc(kb: Knowledge) -> None:
    listed = {(e.key, e.code) for e in kb.valuesets["loinc"].entries}
    for key, code in listed:
        test = kb.labs.tests.get(key)
        if test is None:
            raise fail("valuesets/loinc.csv", key, "key", "not a test in labs.toml")
        if code not in test.loinc:
            raise fail("valuesets/loinc.csv", key, "code", f"{code} is not in labs.{key}.loinc")
    for key, test in kb.labs.tests.items():
        for code in test.loinc:
            if (key, code) not in listed:
                raise fail("labs.toml", f"labs.{key}", "loinc", f"{code} is not in loinc.csv")


def content_hash(root: Traversable) -> str:
    """SHA-256 over every data file (overlays excluded), with its relative path."""
    digest = hashlib.sha256()
    for relative, node in sorted(_walk(root, ""), key=lambda item: item[0]):
        digest.update(relative.encode())
        digest.update(b"\0")
        digest.update(node.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    for child in _children(node):
        relative = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name not in {OVERLAY_DIR, "__pycache__"}:
                yield from _walk(child, relative + "/")
        elif child.is_file():
            yield relative, child


def _children(node: Traversable) -> list[Traversable]:
    return list(node.iterdir()) if node.is_dir() else []

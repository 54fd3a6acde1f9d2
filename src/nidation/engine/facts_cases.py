"""Fact tables back to cases, validated like case files, with problems pointing at table rows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from pydantic import ValidationError

from nidation.domain import Case, ValidationContext, parse_case
from nidation.domain.parse import problem_of
from nidation.engine.facts_check import check_tables, conform
from nidation.engine.facts_gc import gc_paused
from nidation.engine.facts_schema import CASE_STATEMENTS, FIELDS
from nidation.errors import InputError, Problem

__all__ = ["tables_to_cases"]

_COLLECTIONS = (
    "pregnancies",
    "cycles",
    "transfers",
    "labs",
    "findings",
    "conditions",
    "medications",
    "allergies",
    "requested_tests",
    "requested_therapies",
)
_KARYOTYPE = ("result", "iscn", "date")
_PARTNER = ("age_years", "sperm_dna_fragmentation_pct", "sperm_dna_fragmentation_method")
_STATEMENTS = tuple(name for name, _ in CASE_STATEMENTS)
_EXCLUDED = ("date", "method", "detail")
_ITEM = re.compile(r"^(?P<table>[a-z_]+)\[(?P<index>\d+)\](?P<rest>.*)$")
_EMBRYO = re.compile(r"^\.embryos\[(?P<index>\d+)\](?P<rest>.*)$")

Record = tuple[int | None, int, dict[str, Any]]  # (seq, row, fields)


@dataclass(slots=True)
class _Where:
    """Which table rows one case was rebuilt from, to point problems at them."""

    pid: str
    row: int
    rows: dict[str, list[int]] = field(default_factory=dict)
    embryo_rows: list[list[int]] = field(default_factory=list)

    def at(self, table: str, row: int) -> str:
        return f"{table}[row {row}, patient {self.pid}]"

    def patient_column(self, path: str) -> str:
        root, _, rest = path.partition(".")
        if root == "pregnancy_excluded":
            return path.replace(".", "_")
        if root not in {"patient", "partner"}:
            return path
        prefix = "partner_" if root == "partner" else ""
        if not rest:
            return "has_partner" if root == "partner" else ""
        if rest == "id" and root == "patient":
            return "patient_id"
        return prefix + rest.replace(".", "_")

    def translate(self, path: str) -> str:
        match = _ITEM.match(path)
        if match is None:
            if path in self.rows:
                return f"{path}[patient {self.pid}]"
            column = self.patient_column(path)
            return self.at("patients", self.row) + (f".{column}" if column else "")
        table, index, rest = match["table"], int(match["index"]), match["rest"]
        embryo = _EMBRYO.match(rest) if table == "cycles" else None
        try:
            if embryo is not None:
                row = self.embryo_rows[index][int(embryo["index"])]
                return self.at("embryos", row) + embryo["rest"]
            return self.at(table, self.rows[table][index]) + rest
        except (KeyError, IndexError):
            return f"{path} (patient {self.pid})"


def _order(record: Record) -> tuple[int, int, int]:
    seq, row, _ = record
    return (1, 0, row) if seq is None else (0, seq, row)


def _group(table: pa.Table, name: str, index: dict[str, int], order: str) -> list[list[Record]]:
    fields = FIELDS[name]
    columns = [table[f].to_pylist() for f in fields]
    pids = table["patient_id"].to_pylist()
    seqs = table[order].to_pylist()
    groups: list[list[Record]] = [[] for _ in index]
    for row, (pid, seq, values) in enumerate(
        zip(pids, seqs, zip(*columns, strict=True), strict=True)
    ):
        record = {k: v for k, v in zip(fields, values, strict=True) if v is not None}
        groups[index[pid]].append((seq, row, record))
    for group in groups:
        if len(group) > 1:
            group.sort(key=_order)
    return groups


def _embryos(
    table: pa.Table, index: dict[str, int]
) -> tuple[dict[tuple[int, str | None], list[Record]], list[str | None]]:
    fields = FIELDS["embryos"]
    columns = [table[f].to_pylist() for f in fields]
    pids = table["patient_id"].to_pylist()
    cycle_ids: list[str | None] = table["cycle_id"].to_pylist()
    seqs = table["seq_in_cycle"].to_pylist()
    groups: dict[tuple[int, str | None], list[Record]] = {}
    rows = zip(pids, cycle_ids, seqs, zip(*columns, strict=True), strict=True)
    for row, (pid, cycle_id, seq, values) in enumerate(rows):
        record = {k: v for k, v in zip(fields, values, strict=True) if v is not None}
        groups.setdefault((index[pid], cycle_id), []).append((seq, row, record))
    for group in groups.values():
        if len(group) > 1:
            group.sort(key=_order)
    return groups, cycle_ids


def _sub(values: dict[str, Any], prefix: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: values[prefix + n] for n in names if values.get(prefix + n) is not None}


def _case_data(values: dict[str, Any], where: _Where, problems: list[Problem]) -> dict[str, Any]:
    patient = {
        "id": values["patient_id"],
        **{
            k: v
            for k, v in values.items()
            if v is not None
            and k not in {"patient_id", "schema_version", "as_of", "has_partner", *_STATEMENTS}
            and not k.startswith(("karyotype_", "partner_", "pregnancy_excluded_"))
        },
    }
    karyotype = _sub(values, "karyotype_", _KARYOTYPE)
    if karyotype:
        patient["karyotype"] = karyotype
    data: dict[str, Any] = {"patient": patient}
    for key in ("schema_version", "as_of", *_STATEMENTS):
        if values[key] is not None:
            data[key] = values[key]
    excluded = _sub(values, "pregnancy_excluded_", _EXCLUDED)
    if excluded:
        data["pregnancy_excluded"] = excluded
    partner = _sub(values, "partner_", _PARTNER)
    partner_karyotype = _sub(values, "partner_karyotype_", _KARYOTYPE)
    if partner_karyotype:
        partner["karyotype"] = partner_karyotype
    has_partner = values["has_partner"]
    if has_partner or (has_partner is None and partner):
        data["partner"] = partner
    elif partner:
        problems.append(
            Problem(
                where.at("patients", where.row) + ".has_partner",
                False,
                "partner details are given but has_partner is false",
                "Set has_partner to true, or clear the partner_ columns",
            )
        )
    return data


def _validate(
    data: dict[str, Any], context: ValidationContext | None
) -> tuple[Case | None, list[Problem]]:
    try:
        if context is not None:
            return parse_case(data, context=context), []
        return Case.model_validate(data), []
    except InputError as exc:
        return None, list(exc.problems)
    except ValidationError as exc:
        return None, [problem_of(e) for e in exc.errors()]


def tables_to_cases(
    tables: Mapping[str, pa.Table], *, context: ValidationContext | None = None
) -> list[Case]:
    """Rebuild the cases held in ``tables``, in the order of the ``patients`` rows.

    Records are ordered by ``seq`` (``seq_in_cycle`` for embryos); rows without one follow,
    in row order. With ``context`` each case is validated by :func:`parse_case`, exactly
    like a case file; without, by the models alone. Raises :class:`InputError` with every
    problem, each pointing at its row, e.g. ``labs[row 17, patient P12].value``.
    """
    problems = check_tables(tables, derived_optional=True)
    if problems:
        raise InputError(problems)
    with gc_paused():
        return _rebuild(tables, context)


def _rebuild(tables: Mapping[str, pa.Table], context: ValidationContext | None) -> list[Case]:
    t = {name: conform(tables[name], name) for name in FIELDS}
    pids: list[str] = t["patients"]["patient_id"].to_pylist()
    index = {pid: i for i, pid in enumerate(pids)}
    groups = {name: _group(t[name], name, index, "seq") for name in _COLLECTIONS}
    embryos, embryo_cycle_ids = _embryos(t["embryos"], index)
    columns = {c: t["patients"][c].to_pylist() for c in t["patients"].column_names}
    cases: list[Case] = []
    problems: list[Problem] = []
    for i, pid in enumerate(pids):
        where = _Where(pid, i)
        data = _case_data({c: v[i] for c, v in columns.items()}, where, problems)
        for name in _COLLECTIONS:
            records = groups[name][i]
            where.rows[name] = [row for _, row, _ in records]
            if records:
                data[name] = [record for _, _, record in records]
        for cycle in data.get("cycles", ()):
            mine = embryos.pop((i, cycle["id"]), [])
            where.embryo_rows.append([row for _, row, _ in mine])
            if mine:
                cycle["embryos"] = [record for _, _, record in mine]
        case, found = _validate(data, context)
        problems += [Problem(where.translate(p.path), p.value, p.why, p.action) for p in found]
        if case is not None:
            cases.append(case)
    for (i, _), records in embryos.items():
        for _, row, _ in records:
            problems.append(
                Problem(
                    _Where(pids[i], i).at("embryos", row) + ".cycle_id",
                    embryo_cycle_ids[row],
                    "no cycle of this patient has this id (or it is another cycle's duplicate)",
                    "Give the id of the cycle the embryo came from",
                )
            )
    if problems:
        raise InputError(problems)
    return cases

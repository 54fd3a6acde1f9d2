"""Fact tables: the only bridge between the object world (:class:`Case`) and the columnar one.

A case becomes a handful of typed Arrow tables keyed by ``patient_id`` (see
:data:`SCHEMAS`); a cohort is the same tables with many patients. The conversion is lossless:
``tables_to_cases(cases_to_tables(cases)) == cases``, also through Parquet.

Public API::

    SCHEMAS                                   table name → pyarrow schema
    case_to_tables(case, *, knowledge=None)   one case → tables
    cases_to_tables(cases, *, knowledge=None) many cases → the same tables
    tables_to_cases(tables, *, context=None)  tables → cases (validated like files when a
                                              ValidationContext is given)
    validate_tables(tables)                   schema conformance problems
    write_parquet(tables, directory)          one ``<table>.parquet`` per table
    read_parquet(directory)                   back, checked; derived tables re-derived

``transfer_embryos`` (transfer × embryo, with ``position``) and ``labs.value_canonical`` /
``labs.unit_canonical`` are derived conveniences for the rules; rebuilding a case ignores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any, Protocol

import pyarrow as pa

from nidation.domain import Case, LabCatalogue, UnitProblem
from nidation.domain.history import PregnancyExclusion
from nidation.domain.patient import Karyotype
from nidation.engine.facts_cases import tables_to_cases
from nidation.engine.facts_check import validate_tables
from nidation.engine.facts_gc import gc_paused
from nidation.engine.facts_parquet import read_parquet, write_parquet
from nidation.engine.facts_schema import FIELDS, SCHEMAS
from nidation.errors import InputError, Problem

__all__ = [
    "SCHEMAS",
    "HasLabCatalogue",
    "case_to_tables",
    "cases_to_tables",
    "read_parquet",
    "tables_to_cases",
    "validate_tables",
    "write_parquet",
]


class HasLabCatalogue(Protocol):
    """What the fact tables need from a knowledge base: its laboratory catalogue."""

    @property
    def labs(self) -> LabCatalogue: ...


_PATIENT_COLUMNS = FIELDS["patients"]
# Patient fields sit between ``as_of`` and the flattened karyotype in the patients schema.
_GET_PATIENT = attrgetter(
    *_PATIENT_COLUMNS[
        _PATIENT_COLUMNS.index("as_of") + 1 : _PATIENT_COLUMNS.index("karyotype_result")
    ]
)
_GET: dict[str, attrgetter[Any]] = {
    name: attrgetter(*fields)
    for name, fields in FIELDS.items()
    if name != "patients"  # every record table has two or more fields: tuples, not scalars
}
_LISTS = (
    "pregnancies",
    "cycles",
    "transfers",
    "findings",
    "conditions",
    "medications",
    "allergies",
    "requested_tests",
    "requested_therapies",
)
_GET_UNIT = attrgetter("test", "value", "unit")
_NO_CANONICAL = (None, None)
_NO_KARYOTYPE = (None, None, None)


def _karyotype(k: Karyotype | None) -> tuple[Any, Any, Any]:
    return _NO_KARYOTYPE if k is None else (k.result, k.iscn, k.date)


def _statements(case: Case) -> tuple[Any, ...]:
    """The "none known" flags (true or null) and the pregnancy exclusion, flattened."""
    flags = (case.no_known_conditions, case.no_current_medications, case.no_known_allergies)
    e: PregnancyExclusion | None = case.pregnancy_excluded
    excluded = _NO_KARYOTYPE if e is None else (e.date, e.method, e.detail)
    return (*(True if f else None for f in flags), *excluded)


def _patient_row(case: Case) -> tuple[Any, ...]:
    patient, partner = case.patient, case.partner
    if partner is None:
        partner_part: tuple[Any, ...] = (False, None, *_NO_KARYOTYPE, None, None)
    else:
        partner_part = (
            True,
            partner.age_years,
            *_karyotype(partner.karyotype),
            partner.sperm_dna_fragmentation_pct,
            partner.sperm_dna_fragmentation_method,
        )
    return (
        patient.id,
        case.schema_version,
        case.as_of,
        *_GET_PATIENT(patient),
        *_karyotype(patient.karyotype),
        *partner_part,
        *_statements(case),
    )


class _Canonical:
    """``catalogue.normalise`` memoised on the exact (test, value, unit) for one conversion.

    Unit conversion is costly (hundreds of microseconds through pint) and cohorts repeat the
    same readings; memoising on the exact arguments gives the very same numbers.
    """

    def __init__(self, catalogue: LabCatalogue) -> None:
        self.catalogue = catalogue
        self.memo: dict[tuple[str, float, str | None], tuple[Any, Any]] = {}

    def __call__(self, test: str, value: float | None, unit: str | None) -> tuple[Any, Any]:
        if value is None:
            return _NO_CANONICAL
        key = (test, value, unit)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._normalise(test, value, unit)
        return found

    def _normalise(self, test: str, value: float, unit: str | None) -> tuple[Any, Any]:
        catalogue = self.catalogue
        if not catalogue.is_known(test) or catalogue.is_qualitative_only(test):
            return _NO_CANONICAL
        try:
            return catalogue.normalise(test, value, unit)
        except UnitProblem:
            return _NO_CANONICAL


def _check_cycle_ids(case: Case, where: str) -> list[Problem]:
    ids = [c.id for c in case.cycles]
    if len(set(ids)) == len(ids) or not any(c.embryos for c in case.cycles):
        return []
    seen: set[str] = set()
    problems = []
    for i, cid in enumerate(ids):
        if cid in seen:
            problems.append(
                Problem(
                    f"{where}cycles[{i}].id",
                    cid,
                    "another cycle of this case has the same id; embryos link to their "
                    "cycle by id in the fact tables",
                    "Give each cycle its own id",
                )
            )
        seen.add(cid)
    return problems


def _add_records(
    rows: dict[str, list[tuple[Any, ...]]], case: Case, canonical_of: _Canonical | None
) -> None:
    pid = case.patient.id
    rows["patients"].append(_patient_row(case))
    for name in _LISTS:
        records = getattr(case, name)
        if records:
            out, get = rows[name], _GET[name]
            for seq, record in enumerate(records):
                out.append((pid, seq, *get(record)))
    embryos, get = rows["embryos"], _GET["embryos"]
    for cycle in case.cycles:
        for seq, embryo in enumerate(cycle.embryos):
            embryos.append((pid, cycle.id, seq, *get(embryo)))
    pairs = rows["transfer_embryos"]
    for transfer in case.transfers:
        for position, embryo_id in enumerate(transfer.embryo_ids):
            pairs.append((pid, transfer.id, position, embryo_id))
    labs, get = rows["labs"], _GET["labs"]
    for seq, lab in enumerate(case.labs):
        canonical = _NO_CANONICAL if canonical_of is None else canonical_of(*_GET_UNIT(lab))
        labs.append((pid, seq, *get(lab), *canonical))


def _collect(
    cases: Iterable[Case], catalogue: LabCatalogue | None, *, single: bool
) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in SCHEMAS}
    canonical_of = None if catalogue is None else _Canonical(catalogue)
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for n, case in enumerate(cases):
        where = "" if single else f"cases[{n}]."
        pid = case.patient.id
        if pid in seen:
            problems.append(
                Problem(
                    f"{where}patient.id",
                    pid,
                    f"the same patient id as cases[{seen[pid]}]; the tables key every row by it",
                    "Give each case its own patient id",
                )
            )
        seen.setdefault(pid, n)
        if len(case.cycles) > 1:
            problems.extend(_check_cycle_ids(case, where))
        _add_records(rows, case, canonical_of)
    if problems:
        raise InputError(problems)
    return rows


_STRUCTS = {name: pa.struct(list(schema)) for name, schema in SCHEMAS.items()}
_EMPTY = {name: schema.empty_table() for name, schema in SCHEMAS.items()}  # immutable; reused


def _table(name: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    if not rows:
        return _EMPTY[name]
    try:
        # One conversion per table (rows as struct values), then split into columns.
        struct = pa.array(rows, type=_STRUCTS[name])
    except (pa.ArrowException, OverflowError) as exc:
        problem = Problem(
            name, None, f"cannot be stored in its schema ({exc})", "Check the values' size"
        )
        raise InputError([problem]) from None
    return pa.Table.from_arrays(struct.flatten(), schema=SCHEMAS[name])


def cases_to_tables(
    cases: Iterable[Case], *, knowledge: HasLabCatalogue | None = None
) -> dict[str, pa.Table]:
    """Turn cases into the fact tables (:data:`SCHEMAS`), one ``patients`` row per case.

    With ``knowledge``, ``labs.value_canonical``/``unit_canonical`` hold each numeric value
    in its test's canonical unit (null when the test or unit is unknown to the catalogue).
    Raises :class:`InputError` when two cases share a patient id, or a case has two cycles with
    the same id and embryos (the tables could not tell whose embryos are whose).
    """
    catalogue = knowledge.labs if knowledge is not None else None
    with gc_paused():
        rows = _collect(cases, catalogue, single=False)
        return {name: _table(name, rows[name]) for name in SCHEMAS}


def case_to_tables(case: Case, *, knowledge: HasLabCatalogue | None = None) -> dict[str, pa.Table]:
    """Turn one case into the fact tables (see :func:`cases_to_tables`)."""
    catalogue = knowledge.labs if knowledge is not None else None
    rows = _collect([case], catalogue, single=True)
    return {name: _table(name, rows[name]) for name in SCHEMAS}

"""The columnar layout of a case: one explicit Arrow schema per record kind.

Every table is keyed by ``patient_id`` (the only non-nullable column). Column names are the
domain field names; nested records are flattened with a prefix (``karyotype_result``,
``partner_age_years``, ``partner_karyotype_iscn``). The case's own statements sit at the end
of ``patients``: ``no_known_conditions``, ``no_current_medications``, ``no_known_allergies``
(true, or null when the record does not say so) and ``pregnancy_excluded_date`` / ``_method`` /
``_detail``. Enumerations are stored as their string
value, dates as ``date32``, numbers as ``float64``/``int64``.

Besides the domain fields a table may hold:

* **position columns** — ``seq`` (the record's position in its list in the case),
  ``seq_in_cycle`` and ``cycle_id`` for embryos; they make the order explicit, so it survives
  Parquet, SQL and joins;
* **derived columns** — filled when the tables are built and ignored when a case is rebuilt:
  ``labs.value_canonical`` / ``labs.unit_canonical`` (the value in the laboratory
  catalogue's canonical unit, when a knowledge base was given) and the whole
  ``transfer_embryos`` table (one row per transfer × embryo, for the rules to join on).
"""

from __future__ import annotations

from typing import Final

import pyarrow as pa

__all__ = [
    "CASE_STATEMENTS",
    "DERIVED_COLUMNS",
    "DERIVED_TABLES",
    "FIELDS",
    "POSITION_COLUMNS",
    "SCHEMAS",
]

_STR = pa.string()
_F64 = pa.float64()
_I64 = pa.int64()
_BOOL = pa.bool_()
_DATE = pa.date32()
_STRS = pa.list_(pa.string())


def _schema(*columns: tuple[str, pa.DataType]) -> pa.Schema:
    key = pa.field("patient_id", _STR, nullable=False)
    return pa.schema([key, *(pa.field(name, kind) for name, kind in columns)])


_KARYOTYPE = (("result", _STR), ("iscn", _STR), ("date", _DATE))
_PREGNANCY_EXCLUDED = (("date", _DATE), ("method", _STR), ("detail", _STR))
#: The case's "none known" statements (true only when the record says so; null otherwise).
CASE_STATEMENTS: Final[tuple[tuple[str, pa.DataType], ...]] = (
    ("no_known_conditions", _BOOL),
    ("no_current_medications", _BOOL),
    ("no_known_allergies", _BOOL),
)

SCHEMAS: Final[dict[str, pa.Schema]] = {
    "patients": _schema(
        ("schema_version", _STR),
        ("as_of", _DATE),
        ("birth_date", _DATE),
        ("age_years", _F64),
        ("height_cm", _F64),
        ("weight_kg", _F64),
        ("bmi_kg_m2", _F64),
        ("smoking", _STR),
        ("cigarettes_per_day", _F64),
        ("alcohol_units_per_week", _F64),
        ("caffeine_mg_per_day", _F64),
        *((f"karyotype_{name}", kind) for name, kind in _KARYOTYPE),
        ("has_partner", _BOOL),
        ("partner_age_years", _F64),
        *((f"partner_karyotype_{name}", kind) for name, kind in _KARYOTYPE),
        ("partner_sperm_dna_fragmentation_pct", _F64),
        ("partner_sperm_dna_fragmentation_method", _STR),
        *CASE_STATEMENTS,
        *((f"pregnancy_excluded_{name}", kind) for name, kind in _PREGNANCY_EXCLUDED),
    ),
    "pregnancies": _schema(
        ("seq", _I64),
        ("id", _STR),
        ("conception", _STR),
        ("outcome", _STR),
        ("end_date", _DATE),
        ("gestational_age_weeks", _I64),
        ("gestational_age_days", _I64),
        ("intrauterine_sac_seen", _BOOL),
        ("fetal_heart_seen", _BOOL),
        ("fetal_morphology_normal", _BOOL),
        ("poc_genetics", _STR),
        ("poc_genetics_detail", _STR),
        ("bleeding_in_early_pregnancy", _BOOL),
        ("complications", _STRS),
        ("cervical_length_mm", _F64),
        ("cervical_length_weeks", _I64),
        ("maternal_age_years", _F64),
        ("notes", _STR),
    ),
    "cycles": _schema(
        ("seq", _I64),
        ("id", _STR),
        ("retrieval_date", _DATE),
        ("age_at_retrieval_years", _F64),
        ("oocyte_source", _STR),
        ("donor_age_years", _F64),
        ("insemination", _STR),
        ("oocytes_retrieved", _I64),
    ),
    "embryos": _schema(
        ("cycle_id", _STR),
        ("seq_in_cycle", _I64),
        ("id", _STR),
        ("day", _I64),
        ("stage", _STR),
        ("grade", _STR),
        ("grading_system", _STR),
        ("pgt_a", _STR),
    ),
    "transfers": _schema(
        ("seq", _I64),
        ("id", _STR),
        ("date", _DATE),
        ("embryo_ids", _STRS),
        ("kind", _STR),
        ("endometrial_thickness_mm", _F64),
        ("outcome", _STR),
        ("pregnancy_id", _STR),
    ),
    "transfer_embryos": _schema(
        ("transfer_id", _STR),
        ("position", _I64),
        ("embryo_id", _STR),
    ),
    "labs": _schema(
        ("seq", _I64),
        ("id", _STR),
        ("test", _STR),
        ("loinc", _STR),
        ("value", _F64),
        ("unit", _STR),
        ("qualitative", _STR),
        ("reference_low", _F64),
        ("reference_high", _F64),
        ("date", _DATE),
        ("laboratory", _STR),
        ("value_canonical", _F64),
        ("unit_canonical", _STR),
    ),
    "findings": _schema(
        ("seq", _I64),
        ("id", _STR),
        ("kind", _STR),
        ("present", _BOOL),
        ("date", _DATE),
        ("method", _STR),
        ("eshre_esge_class", _STR),
        ("cervix_class", _STR),
        ("vagina_class", _STR),
        ("figo_type", _STR),
        ("size_mm", _F64),
        ("side", _STR),
        ("cd138_count", _F64),
        ("cd138_denominator", _STR),
        ("endometriosis_stage", _STR),
        ("endometrial_thickness_mm", _F64),
        ("lactobacillus_pct", _F64),
        ("notes", _STR),
    ),
    "conditions": _schema(
        ("seq", _I64),
        ("code", _STR),
        ("status", _STR),
        ("onset_date", _DATE),
        ("detail", _STR),
    ),
    "medications": _schema(
        ("seq", _I64),
        ("code", _STR),
        ("dose", _STR),
        ("start_date", _DATE),
        ("end_date", _DATE),
        ("current", _BOOL),
    ),
    "allergies": _schema(
        ("seq", _I64),
        ("code", _STR),
        ("reaction", _STR),
    ),
    "requested_tests": _schema(
        ("seq", _I64),
        ("test", _STR),
        ("date", _DATE),
    ),
    "requested_therapies": _schema(
        ("seq", _I64),
        ("therapy", _STR),
        ("protocol", _STR),
        ("date", _DATE),
    ),
}
"""Table name → Arrow schema. ``patients`` has one row per case; the others one per record."""

DERIVED_TABLES: Final[frozenset[str]] = frozenset({"transfer_embryos"})
"""Tables computed from others; not needed to rebuild a case (``read_parquet`` derives them)."""

DERIVED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {"labs": ("value_canonical", "unit_canonical")}
"""Columns computed when the tables are built; ignored when a case is rebuilt."""

POSITION_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "patients": ("patient_id",),
    "embryos": ("patient_id", "cycle_id", "seq_in_cycle"),
    "transfer_embryos": ("patient_id", "transfer_id", "position", "embryo_id"),
    **{
        name: ("patient_id", "seq")
        for name in SCHEMAS
        if name not in {"patients", "embryos", "transfer_embryos"}
    },
}
"""Key and order columns of each table: not fields of the domain record."""

FIELDS: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(
        column
        for column in schema.names
        if column not in POSITION_COLUMNS[name] and column not in DERIVED_COLUMNS.get(name, ())
    )
    for name, schema in SCHEMAS.items()
    if name not in DERIVED_TABLES
}
"""Table name → the columns that hold domain fields, in schema order."""

"""The compact per-patient output: one row per patient with age, assessment date, a
small-integer status per rule (its row without an item; codes in
:data:`~nidation.engine.status.STATUS_CODES`), the items of each list rule as a map
item → status code (column ``<rule id>_items``) and counts of list items by status.

The long table (patient × rule × item) is lossless to rebuild from it: :func:`long_sql`."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from nidation.engine.status import STATUS_CODES

__all__ = ["ITEMS_SUFFIX", "ITEM_STATUSES", "long_sql", "summarise"]

ITEM_STATUSES = ("due", "repeat_due", "done", "advised_against", "recommended", "consider")
ITEMS_SUFFIX = "_items"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _code(column: str) -> str:
    whens = " ".join(f"WHEN '{s}' THEN {c}" for s, c in STATUS_CODES.items())
    return f"(CASE {column} {whens} END)::TINYINT"


def _status(column: str) -> str:
    whens = " ".join(f"WHEN {c} THEN '{s}'" for s, c in STATUS_CODES.items())
    return f"(CASE {column} {whens} END)"


def summarise(
    results: pa.Table,
    patients: pa.Table,
    *,
    rule_ids: list[str],
    list_rules: tuple[str, ...] = (),
    today: date,
) -> pa.Table:
    """The summary rows of the patients in ``patients`` from their ``results``
    (``patient_id, rule_id, item, status``; evidence columns, if any, are not read)."""
    con = duckdb.connect(":memory:", config={"threads": 1})
    con.register("results", results.select(["patient_id", "rule_id", "item", "status"]))
    con.register("patients", patients.select(["patient_id", "as_of", "birth_date", "age_years"]))
    per_rule = ", ".join(
        f"max(code) FILTER (WHERE rule_id = '{r}' AND item IS NULL) AS {_quote(r)}"
        for r in rule_ids
    )
    items = "".join(
        f", map_from_entries(list({{'k': item, 'v': code}} ORDER BY item) "
        f"FILTER (WHERE rule_id = '{r}' AND item IS NOT NULL)) AS {_quote(r + ITEMS_SUFFIX)}"
        for r in list_rules
    )
    counts = ", ".join(
        f"count(*) FILTER (WHERE item IS NOT NULL AND status = '{s}') AS items_{s}"
        for s in ITEM_STATUSES
    )
    day = f"DATE '{today.isoformat()}'"
    sql = f"""
        WITH coded AS (SELECT *, {_code("status")} AS code FROM results),
        wide AS (SELECT patient_id, {per_rule}{items}, {counts} FROM coded GROUP BY patient_id)
        SELECT p.patient_id,
               coalesce(p.as_of, {day}) AS as_of,
               year(coalesce(p.as_of, {day}))::BIGINT AS year,
               coalesce(p.age_years, datediff('day', p.birth_date,
                        coalesce(p.as_of, {day})) / 365.25) AS age_years,
               wide.* EXCLUDE (patient_id)
        FROM patients p JOIN wide USING (patient_id)
        ORDER BY p.patient_id
    """
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def long_sql(summary: str, *, rule_ids: list[str], list_rules: tuple[str, ...]) -> str:
    """SQL giving ``patient_id, rule_id, item, status`` (the long table without evidence)
    from the relation named ``summary`` holding :func:`summarise`'s rows."""
    parts = [
        f"SELECT patient_id, '{r}' AS rule_id, NULL::VARCHAR AS item, {_quote(r)} AS code "
        f"FROM {summary} WHERE {_quote(r)} IS NOT NULL"
        for r in rule_ids
    ]
    parts += [
        f"SELECT patient_id, '{r}' AS rule_id, struct_extract(e, 'key') AS item, "
        f"struct_extract(e, 'value') AS code FROM "
        f"(SELECT patient_id, unnest(map_entries({_quote(r + ITEMS_SUFFIX)})) AS e "
        f"FROM {summary})"
        for r in list_rules
    ]
    union = " UNION ALL ".join(parts)
    return f"SELECT patient_id, rule_id, item, {_status('code')} AS status FROM ({union})"

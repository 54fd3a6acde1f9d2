"""The wide per-patient summary: one row per patient with age, assessment date, one status
column per rule (its row without an item) and counts of the list rules' items by status."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

__all__ = ["ITEM_STATUSES", "summarise"]

ITEM_STATUSES = ("due", "repeat_due", "done", "advised_against", "recommended", "consider")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def summarise(
    results: pa.Table, patients: pa.Table, *, rule_ids: list[str], today: date
) -> pa.Table:
    """The summary rows of the patients in ``patients`` from their long ``results``."""
    con = duckdb.connect(":memory:", config={"threads": 1})
    con.register("results", results)
    con.register("patients", patients.select(["patient_id", "as_of", "birth_date", "age_years"]))
    per_rule = ", ".join(
        f"max(status) FILTER (WHERE rule_id = '{r}' AND item IS NULL) AS {_quote(r)}"
        for r in rule_ids
    )
    counts = ", ".join(
        f"count(*) FILTER (WHERE item IS NOT NULL AND status = '{s}') AS items_{s}"
        for s in ITEM_STATUSES
    )
    sql = f"""
        WITH wide AS (SELECT patient_id, {per_rule}, {counts} FROM results GROUP BY patient_id)
        SELECT p.patient_id,
               coalesce(p.as_of, DATE '{today.isoformat()}') AS as_of,
               year(coalesce(p.as_of, DATE '{today.isoformat()}'))::BIGINT AS year,
               coalesce(p.age_years, datediff('day', p.birth_date,
                        coalesce(p.as_of, DATE '{today.isoformat()}')) / 365.25) AS age_years,
               wide.* EXCLUDE (patient_id)
        FROM patients p JOIN wide USING (patient_id)
        ORDER BY p.patient_id
    """
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()

"""The compact per-patient output: one row per patient with age, assessment date, a
small-integer status per rule (its row without an item; codes in
:data:`~nidation.engine.status.STATUS_CODES`), the items of each list rule as a map
item → status code (column ``<rule id>_items``) and counts of list items by status.

The long table (patient × rule × item) is lossless to rebuild from it: :func:`long_sql`."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nidation.engine.status import STATUS_CODES

__all__ = ["ITEMS_SUFFIX", "ITEM_STATUSES", "long_sql", "summarise"]

ITEM_STATUSES = ("due", "repeat_due", "done", "advised_against", "recommended", "consider")
ITEMS_SUFFIX = "_items"


_STATUSES = pa.array(list(STATUS_CODES), pa.string())
if list(STATUS_CODES.values()) != list(range(len(STATUS_CODES))):  # pragma: no cover
    raise AssertionError("STATUS_CODES must number the statuses 0, 1, 2, … in order")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """The summary rows of the patients in ``patients`` (sorted by ``patient_id``) from their
    ``results`` (``patient_id, rule_id, item, status``; evidence columns are not read).

    A pivot in Arrow and NumPy: each result row lands in its patient's row and its rule's
    column (a rule's row without an item) or in its list rule's items."""
    people = patients.select(["patient_id", "as_of", "birth_date", "age_years"])
    people = people.take(pc.sort_indices(people, [("patient_id", "ascending")]))
    n = people.num_rows
    who = pc.index_in(results["patient_id"], value_set=people["patient_id"])
    which = pc.index_in(results["rule_id"], value_set=pa.array(rule_ids, pa.string()))
    code = pc.index_in(results["status"], value_set=_STATUSES)
    if who.null_count or which.null_count or code.null_count:
        raise ValueError("results name a patient, rule or status the summary does not know")
    row, col, val = (np.asarray(x.combine_chunks()) for x in (who, which, code))
    has_item = np.asarray(results["item"].is_valid().combine_chunks(), dtype=bool)
    grid = np.full((n, len(rule_ids)), -1, dtype=np.int8)
    own = ~has_item
    grid[row[own], col[own]] = val[own]
    as_of = pc.fill_null(people["as_of"], pa.scalar(today, pa.date32()))
    computed_age = pc.divide(
        pc.days_between(people["birth_date"], as_of).cast(pa.float64()), 365.25
    )
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "patient_id": people["patient_id"],
        "as_of": as_of,
        "year": pc.year(as_of).cast(pa.int64()),
        "age_years": pc.coalesce(people["age_years"].cast(pa.float64()), computed_age),
    }
    for j, rule_id in enumerate(rule_ids):
        values = grid[:, j]
        columns[rule_id] = pa.array(values, pa.int8(), mask=values < 0)
    items = (
        results.select(["item"])
        .append_column("row", pa.array(row))
        .append_column("col", pa.array(col))
        .append_column("code", pa.array(val, pa.int8()))
    )
    items = items.filter(pa.array(has_item))
    for rule_id in list_rules:
        mine = items.filter(pc.equal(items["col"], rule_ids.index(rule_id)))
        mine = mine.take(pc.sort_indices(mine, [("row", "ascending"), ("item", "ascending")]))
        counts = np.bincount(np.asarray(mine["row"].combine_chunks()), minlength=n)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        columns[rule_id + ITEMS_SUFFIX] = pa.MapArray.from_arrays(
            pa.array(offsets),
            mine["item"].combine_chunks(),
            mine["code"].combine_chunks(),
            mask=pa.array(counts == 0),
        )
    item_codes = np.asarray(items["code"].combine_chunks())
    item_rows = np.asarray(items["row"].combine_chunks())
    for status in ITEM_STATUSES:
        chosen = item_rows[item_codes == STATUS_CODES[status]]
        columns[f"items_{status}"] = pa.array(np.bincount(chosen, minlength=n), pa.int64())
    return pa.table(columns)


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

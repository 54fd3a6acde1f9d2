"""Cross-checks of the medication tables against the value sets and the laboratory catalogue.

``medication_pregnancy`` and ``medication_lab_interference`` name medications by their key in
``valuesets/medications.csv`` (the coded identity a case's medications use) and tests by their
key in ``labs.toml``; a key that does not resolve would silently never match, so it is refused
here. A ``switch_by_week`` row must say by which week, and only such a row may.
"""

from __future__ import annotations

from nidation.knowledge.knowledge import Knowledge
from nidation.knowledge.problems import fail

__all__ = ["check_medication_tables"]

PREGNANCY = "medication_pregnancy"
INTERFERENCE = "medication_lab_interference"
BY_WEEK_ACTION = "switch_by_week"


def check_medication_tables(kb: Knowledge) -> None:
    """Every medication and test key of the medication tables resolves; ``by_week`` is given
    exactly when the action needs it."""
    medications = kb.valuesets["medications"].keys()
    for name in (PREGNANCY, INTERFERENCE):
        table = kb.tables.get(name)
        if table is None:
            raise fail(f"tables/{name}.toml", "table", "", "required table is missing")
        for index, row in enumerate(table.rows, start=2):
            where = (f"tables/{table.csv}", f"row {index}")
            if row["medication"] not in medications:
                raise fail(
                    *where,
                    "medication",
                    f"{row['medication']!r} is not a key of valuesets/medications.csv",
                    "Add the key to the value set or fix the row",
                )
            if name == INTERFERENCE and not kb.labs.is_known(str(row["test"])):
                raise fail(*where, "test", f"{row['test']!r} is not in labs.toml")
            if name == PREGNANCY:
                needs_week = row["action"] == BY_WEEK_ACTION
                if needs_week != (row["by_week"] is not None):
                    why = (
                        f"action {BY_WEEK_ACTION!r} needs a gestational week"
                        if needs_week
                        else f"by_week is given but action {row['action']!r} does not use it"
                    )
                    raise fail(*where, "by_week", why, "Give by_week only with switch_by_week")

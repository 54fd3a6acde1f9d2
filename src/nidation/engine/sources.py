"""The inputs every rule reads: the fact tables and the knowledge tables, as unbound ibis
tables. They are bound to data only when a plan runs, so one compiled plan serves every
request and every cohort."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from nidation.engine.facts_schema import SCHEMAS

KB_PREFIX = "kb_"


def _table(name: str, schema: pa.Schema) -> ir.Table:
    return ibis.table(ibis.Schema.from_pyarrow(schema), name=name)


class Facts:
    """Unbound fact tables (one per record kind) plus the knowledge lookup tables."""

    def __init__(self, knowledge_tables: Mapping[str, pa.Schema]) -> None:
        t = {name: _table(name, schema) for name, schema in SCHEMAS.items()}
        self.patients = t["patients"]
        self.pregnancies = t["pregnancies"]
        self.cycles = t["cycles"]
        self.embryos = t["embryos"]
        self.transfers = t["transfers"]
        self.transfer_embryos = t["transfer_embryos"]
        self.labs = t["labs"]
        self.findings = t["findings"]
        self.conditions = t["conditions"]
        self.medications = t["medications"]
        self.allergies = t["allergies"]
        self.requested_tests = t["requested_tests"]
        self.requested_therapies = t["requested_therapies"]
        self._kb = {
            name: _table(KB_PREFIX + name, schema) for name, schema in knowledge_tables.items()
        }

    def kb_table(self, name: str) -> ir.Table:
        """A knowledge lookup table (e.g. ``embryo_implantation``) as an unbound table."""
        try:
            return self._kb[name]
        except KeyError:
            raise KeyError(f"knowledge table {name!r} is not loaded") from None

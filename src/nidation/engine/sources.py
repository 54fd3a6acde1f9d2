"""The inputs every rule reads: the fact tables and the knowledge tables, as unbound ibis
tables. They are bound to data only when a plan runs, so one compiled plan serves every
request and every cohort."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from nidation.engine.facts_schema import SCHEMAS

KB_PREFIX = "kb_"
DERIVED_PREFIX = "d_"
RULE_IDS = "nidation_rule_ids"


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
        self._derived: dict[str, ir.Table] = {}
        self.resolver: Callable[[str], None] | None = None
        """While a plan builds its derivations: builds the one named, on first read."""
        self.rule_ids = ibis.table({"rule_id": "string"}, name=RULE_IDS)

    def kb_table(self, name: str) -> ir.Table:
        """A knowledge lookup table (e.g. ``embryo_implantation``) as an unbound table."""
        try:
            return self._kb[name]
        except KeyError:
            raise KeyError(f"knowledge table {name!r} is not loaded") from None

    def derived(self, name: str) -> ir.Table:
        """A derivation computed earlier in the same run (e.g. ``pregnancy_events``)."""
        if name not in self._derived and self.resolver is not None:
            self.resolver(name)
        try:
            return self._derived[name]
        except KeyError:
            known = ", ".join(self._derived) or "none yet"
            raise KeyError(f"derivation {name!r} is not available here (known: {known})") from None

    def add_derived(self, name: str, schema: ibis.Schema) -> None:
        """Declare a derivation's output so later derivations and rules can read it."""
        self._derived[name] = ibis.table(schema, name=DERIVED_PREFIX + name)

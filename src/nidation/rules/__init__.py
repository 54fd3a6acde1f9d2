"""The default rule set and the per-record views that accompany it.

Rules live one area per package (``rpl``, ``rif``, ``prognosis``…), one module per rule or
small family, each beside its ``.cases.yaml``. Rule ids are permanent: a renamed or merged
rule keeps a redirect in ``REDIRECTS``.
"""

from __future__ import annotations

from functools import cache

from nidation.engine.plan import Derivation
from nidation.engine.registry import RuleSet, collect
from nidation.rules.pregnancy import events
from nidation.rules.prognosis import live_birth, transfers_needed
from nidation.rules.rif import chances, eshre, older
from nidation.rules.rpl import definitions, primary_secondary

REDIRECTS: dict[str, str] = {}

DERIVATIONS: dict[str, Derivation] = {
    "pregnancy_events": Derivation(events.pregnancy_events, view=True),
    "loss_counts": Derivation(definitions.loss_counts),
    "transferred_embryos": Derivation(chances.transfer_embryos_detailed),
    "transfer_chances": Derivation(chances.transfer_chances, view=True),
    "failed_transfer_summary": Derivation(eshre.failed_transfer_summary),
    "graded_transfers": Derivation(older.graded_transfer_table),
}
"""Intermediate tables computed once per run, in this order (each may read those above it);
the ``view`` ones are returned with every assessment."""


@cache
def default_rules() -> RuleSet:
    """Every registered rule, in a stable order."""
    return RuleSet(
        collect(definitions, primary_secondary, eshre, older, live_birth, transfers_needed),
        redirects=REDIRECTS,
    )


__all__ = ["DERIVATIONS", "REDIRECTS", "default_rules"]

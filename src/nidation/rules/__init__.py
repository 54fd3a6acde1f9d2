"""The default rule set and the per-record views that accompany it.

Rules live one area per package (``rpl``, ``rif``, ``prognosis``…), one module per rule or
small family, each beside its ``.cases.yaml``. Rule ids are permanent: a renamed or merged
rule keeps a redirect in ``REDIRECTS``.
"""

from __future__ import annotations

from functools import cache

from nidation.engine.plan import ViewFunction
from nidation.engine.registry import RuleSet, collect
from nidation.rules.pregnancy import events
from nidation.rules.prognosis import live_birth, transfers_needed
from nidation.rules.rif import chances, eshre, older
from nidation.rules.rpl import definitions, primary_secondary

REDIRECTS: dict[str, str] = {}

VIEWS: dict[str, ViewFunction] = {
    "pregnancy_events": events.pregnancy_events,
    "transfer_chances": chances.transfer_chances,
}


@cache
def default_rules() -> RuleSet:
    """Every registered rule, in a stable order."""
    return RuleSet(
        collect(definitions, primary_secondary, eshre, older, live_birth, transfers_needed),
        redirects=REDIRECTS,
    )


__all__ = ["REDIRECTS", "VIEWS", "default_rules"]

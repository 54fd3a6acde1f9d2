"""The default rule set and the derivations that accompany it.

Rules live one area per package (``rpl``, ``rif``, ``prognosis``, ``causes``…), one module per
rule or small family, each beside its ``.cases.yaml``. Every module below this package is
discovered: its module-level :class:`~nidation.engine.registry.Rule` objects join the rule set
and its module-level ``DERIVATIONS`` mapping (name → :class:`Derivation`) joins the derived
tables, computed once per run, each after the derivations it reads (found by building it).
A cause that another rule needs (e.g. "unexplained RPL" reads every cause) is decided in a
derivation named ``cause_<name>``; its rule then simply returns that table.

Rule ids are permanent: a renamed or merged rule keeps a redirect in ``REDIRECTS``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from nidation.engine.plan import Derivation
from nidation.engine.registry import RuleSet, collect
from nidation.errors import RuleDefinitionError

REDIRECTS: dict[str, str] = {}

_ORDER = ("pregnancy", "rpl", "rif", "prognosis")
"""Areas listed first keep their rules first in reports; others follow alphabetically."""


@cache
def rule_modules() -> tuple[ModuleType, ...]:
    """Every module of this package, areas in ``_ORDER`` first, then by name."""
    found = [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}.")
        if not info.ispkg
    ]

    def key(module: ModuleType) -> tuple[int, str]:
        area = module.__name__.split(".")[2]
        return (_ORDER.index(area) if area in _ORDER else len(_ORDER), module.__name__)

    return tuple(sorted(found, key=key))


@cache
def derivations() -> dict[str, Derivation]:
    """Every module's ``DERIVATIONS`` by name (the plan builds each after what it reads)."""
    merged: dict[str, Derivation] = {}
    for module in rule_modules():
        for name, derivation in getattr(module, "DERIVATIONS", {}).items():
            if name in merged:
                raise RuleDefinitionError(f"derivation {name!r} is defined twice")
            merged[name] = derivation
    return dict(sorted(merged.items()))


@cache
def default_rules() -> RuleSet:
    """Every registered rule, in a stable order."""
    return RuleSet(collect(*rule_modules()), redirects=REDIRECTS)


__all__ = ["REDIRECTS", "default_rules", "derivations", "rule_modules"]

"""Nidation: why embryos do not implant, and why pregnancies are lost — guideline-traced answers.

Public API::

    from nidation import assess, assess_cohort, read_case
    assessment = assess(read_case("examples/rpl-only.yaml"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nidation._version import __version__

__all__ = ["__version__", "assess", "assess_cohort", "read_case"]

if TYPE_CHECKING:
    from nidation.api import assess, assess_cohort
    from nidation.io.case_file import read_case


def __getattr__(name: str) -> Any:
    """Import the heavy parts (ibis, DuckDB) only when they are used."""
    if name in ("assess", "assess_cohort"):
        from nidation import api as module

        return getattr(module, name)
    if name == "read_case":
        from nidation.io.case_file import read_case

        return read_case
    raise AttributeError(f"module 'nidation' has no attribute {name!r}")

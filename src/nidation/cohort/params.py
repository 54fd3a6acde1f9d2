"""The synthetic-cohort parameters, read from the knowledge base (never written in Python).

``synth_parameters`` holds every prevalence and distribution; per-embryo implantation chances
and the baseline miscarriage risk by age come from their own knowledge tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from nidation.errors import KnowledgeError
from nidation.knowledge import Knowledge

__all__ = ["AgeTable", "SynthParameters"]

Floats = npt.NDArray[Any]


@dataclass(frozen=True)
class AgeTable:
    """A probability by age band ``[low, high)``; bands without a value use ``fallback``."""

    lows: Floats
    values: Floats

    def __call__(self, ages: Floats) -> Floats:
        index = np.searchsorted(self.lows, ages, side="right") - 1
        return self.values[np.clip(index, 0, len(self.values) - 1)]

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]], *, fallback: float) -> AgeTable:
        ordered = sorted(rows, key=lambda r: -np.inf if r["age_min"] is None else r["age_min"])
        lows = [-np.inf if r["age_min"] is None else float(r["age_min"]) for r in ordered]
        values = [
            fallback if r["probability"] is None else float(r["probability"]) for r in ordered
        ]
        return cls(np.array(lows), np.array(values))


class SynthParameters:
    """Lookup of ``synth_parameters`` by name, plus the age-banded tables the generator uses."""

    def __init__(self, kb: Knowledge) -> None:
        try:
            table = kb.tables["synth_parameters"]
        except KeyError:
            raise KnowledgeError("knowledge table 'synth_parameters' is missing") from None
        self._values = {str(r["parameter"]): float(r["value"] or 0.0) for r in table.rows}
        self.miscarriage = AgeTable.from_rows(
            kb.tables["miscarriage_baseline_risk"].to_dicts(),
            fallback=self["pregnancy.miscarriage_risk_pooled"],
        )
        implantation = kb.tables["embryo_implantation"].to_dicts()
        self.implantation = {
            (stage, status): AgeTable.from_rows(
                [r for r in implantation if (r["stage"], r["pgta_status"]) == (stage, status)],
                fallback=0.0,
            )
            for stage in ("blastocyst", "cleavage")
            for status in ("euploid", "untested")
        }

    def __getitem__(self, name: str) -> float:
        try:
            return self._values[name]
        except KeyError:
            raise KnowledgeError(
                f"synth_parameters: no row for parameter {name!r}; add it with its source"
            ) from None

    def aneuploidy(self, ages: Floats) -> Floats:
        """Blastocyst aneuploidy by age, linear between the two anchor ages of the table."""
        young, old = self["ivf.aneuploidy_under_35"], self["ivf.aneuploidy_over_42"]
        low, high = (
            self["ivf.aneuploidy_anchor_young_years"],
            self["ivf.aneuploidy_anchor_old_years"],
        )
        weight = np.clip((ages - low) / (high - low), 0.0, 1.0)
        return young + (old - young) * weight

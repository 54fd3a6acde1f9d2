"""The loaded, cross-checked knowledge base that the rest of Nidation codes against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from nidation.domain.context import ValidationContext
from nidation.knowledge.model import (
    PlausibilityLimit,
    Recommendation,
    Source,
    Threshold,
    ValueSet,
)
from nidation.knowledge.tables import LookupTable
from nidation.knowledge.therapies import TherapyCatalogue
from nidation.knowledge.units import Labs

__all__ = ["CODED_VALUESETS", "Knowledge"]

#: Value sets whose keys a case's conditions, medications, allergies and therapies must use.
CODED_VALUESETS = ("conditions", "medications", "allergies", "therapies")


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Sources, recommendations, thresholds, tables, limits, value sets, the lab catalogue and the
    therapy catalogue (``therapies``: a read-only mapping therapy key → Therapy).

    ``version`` names the exact content (``<data version>+<hash>``, plus the overlay's name and
    hash when one is applied); every report should print it.
    """

    data_version: str
    content_hash: str
    sources: Mapping[str, Source]
    recommendations: Mapping[str, Recommendation]
    thresholds: Mapping[str, Threshold]
    tables: Mapping[str, LookupTable]
    plausibility: Mapping[str, PlausibilityLimit]
    valuesets: Mapping[str, ValueSet]
    labs: Labs
    therapies: TherapyCatalogue = field(default_factory=lambda: TherapyCatalogue({}, {}))
    overlay: str | None = None
    overlay_tag: str | None = None

    @property
    def base_version(self) -> str:
        return f"{self.data_version}+{self.content_hash[:8]}"

    @property
    def version(self) -> str:
        if self.overlay_tag is None:
            return self.base_version
        return f"{self.base_version}.{self.overlay_tag}"

    def threshold(self, key: str) -> Threshold:
        try:
            return self.thresholds[key]
        except KeyError:
            raise KeyError(f"threshold {key!r} is not in the knowledge base") from None

    def value(self, key: str) -> float:
        """The numeric value of a threshold."""
        value = self.threshold(key).value
        if isinstance(value, str):
            raise TypeError(f"threshold {key!r} holds text {value!r}; use Knowledge.text()")
        return float(value)

    def text(self, key: str) -> str:
        """The text value of a setting such as ``rif.eshre_operator``."""
        value = self.threshold(key).value
        if not isinstance(value, str):
            raise TypeError(f"threshold {key!r} holds a number; use Knowledge.value()")
        return value

    def source_of(self, key: str) -> Source:
        """The source behind a threshold, recommendation, limit or table."""
        for catalogue in (self.thresholds, self.recommendations, self.plausibility, self.tables):
            entry = catalogue.get(key)
            if entry is not None:
                return self.sources[entry.source]
        raise KeyError(f"{key!r} is not a threshold, recommendation, limit or table")

    def validation_context(self, today: date | None = None) -> ValidationContext:
        """What the domain layer validates a case against."""
        return ValidationContext(
            today=today or date.today(),
            limits={key: limit.as_limit() for key, limit in self.plausibility.items()},
            labs=self.labs,
            codes={name: self.valuesets[name].keys() for name in CODED_VALUESETS},
        )

"""Nidation's knowledge base: clinical data with provenance, loaded and cross-checked.

>>> from nidation.knowledge import load_knowledge
>>> kb = load_knowledge()
>>> kb.value("rpl.eshre_min_losses")
2.0
"""

from nidation.knowledge.knowledge import Knowledge
from nidation.knowledge.load import load_knowledge
from nidation.knowledge.model import (
    Band,
    Conversion,
    LabRange,
    LabTest,
    PlausibilityLimit,
    Recommendation,
    Source,
    Threshold,
    UnverifiedCodes,
    ValueSet,
    ValueSetEntry,
)
from nidation.knowledge.overlay import apply_overlay
from nidation.knowledge.tables import LookupTable
from nidation.knowledge.therapies import Therapy, TherapyCatalogue
from nidation.knowledge.units import Labs

__all__ = [
    "Band",
    "Conversion",
    "Knowledge",
    "LabRange",
    "LabTest",
    "Labs",
    "LookupTable",
    "PlausibilityLimit",
    "Recommendation",
    "Source",
    "Therapy",
    "TherapyCatalogue",
    "Threshold",
    "UnverifiedCodes",
    "ValueSet",
    "ValueSetEntry",
    "apply_overlay",
    "load_knowledge",
]

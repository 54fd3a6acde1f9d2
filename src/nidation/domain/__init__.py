"""The patient record: validated, immutable models of a case. No I/O here."""

from nidation.domain.case import SCHEMA_VERSION, Case
from nidation.domain.context import LabCatalogue, Limit, UnitProblem, ValidationContext
from nidation.domain.enums import (
    Cd138Denominator,
    Conception,
    ConditionStatus,
    EmbryoStage,
    EndometriosisStage,
    FindingKind,
    FindingMethod,
    Insemination,
    KaryotypeResult,
    OocyteSource,
    PgtA,
    PocGenetics,
    PregnancyComplication,
    PregnancyOutcome,
    PregnancyTestMethod,
    Qualitative,
    Side,
    Smoking,
    TransferKind,
    TransferOutcome,
)
from nidation.domain.findings import Finding
from nidation.domain.history import (
    Allergy,
    Condition,
    Medication,
    PregnancyExclusion,
    TestRequest,
    TherapyRequest,
)
from nidation.domain.ivf import Cycle, Embryo, Transfer
from nidation.domain.labs import LabResult
from nidation.domain.parse import parse_case
from nidation.domain.patient import Karyotype, Partner, Patient
from nidation.domain.pregnancy import Pregnancy

__all__ = [
    "SCHEMA_VERSION",
    "Allergy",
    "Case",
    "Cd138Denominator",
    "Conception",
    "Condition",
    "ConditionStatus",
    "Cycle",
    "Embryo",
    "EmbryoStage",
    "EndometriosisStage",
    "Finding",
    "FindingKind",
    "FindingMethod",
    "Insemination",
    "Karyotype",
    "KaryotypeResult",
    "LabCatalogue",
    "LabResult",
    "Limit",
    "Medication",
    "OocyteSource",
    "Partner",
    "Patient",
    "PgtA",
    "PocGenetics",
    "Pregnancy",
    "PregnancyComplication",
    "PregnancyExclusion",
    "PregnancyOutcome",
    "PregnancyTestMethod",
    "Qualitative",
    "Side",
    "Smoking",
    "TestRequest",
    "TherapyRequest",
    "Transfer",
    "TransferKind",
    "TransferOutcome",
    "UnitProblem",
    "ValidationContext",
    "parse_case",
]

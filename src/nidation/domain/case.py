"""A case: everything Nidation knows about one patient."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import PastDate
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
from nidation.domain.patient import Partner, Patient
from nidation.domain.pregnancy import Pregnancy

SCHEMA_VERSION: Literal["1"] = "1"


class Case(Record):
    """One patient's reproductive history and results, as of ``as_of`` (default: today)."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    as_of: PastDate | None = Field(
        default=None, description="The date the record describes; assessments are as of this day"
    )
    patient: Patient
    partner: Partner | None = None
    pregnancies: tuple[Pregnancy, ...] = ()
    cycles: tuple[Cycle, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    labs: tuple[LabResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    conditions: tuple[Condition, ...] = ()
    medications: tuple[Medication, ...] = ()
    allergies: tuple[Allergy, ...] = ()
    no_known_conditions: bool = Field(
        default=False,
        description="True when the record states she has no known conditions (an empty list "
        "alone means not recorded)",
    )
    no_current_medications: bool = Field(
        default=False,
        description="True when the record states she takes no medication now (past ones may "
        "still be listed); an empty list alone means not recorded",
    )
    no_known_allergies: bool = Field(
        default=False,
        description="True when the record states she has no known allergies (an empty list "
        "alone means not recorded)",
    )
    pregnancy_excluded: PregnancyExclusion | None = Field(
        default=None,
        description="A negative pregnancy test (or statement) with its date; without it, no "
        "ongoing pregnancy in the record leaves pregnancy undecided",
    )
    requested_tests: tuple[TestRequest, ...] = ()
    requested_therapies: tuple[TherapyRequest, ...] = ()

    def embryos(self) -> dict[str, tuple[Cycle, Embryo]]:
        """Every embryo by id, with the cycle it came from."""
        return {e.id: (c, e) for c in self.cycles for e in c.embryos}

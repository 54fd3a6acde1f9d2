"""Conditions, medications, allergies, pregnancy excluded, and what was requested for this case."""

from __future__ import annotations

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import PastDate, ShortText
from nidation.domain.enums import ConditionStatus, PregnancyTestMethod

CodeKey = str


class Condition(Record):
    """A diagnosis, by its key in the knowledge base's ``conditions`` value set."""

    code: CodeKey = Field(min_length=1, max_length=64)
    status: ConditionStatus = ConditionStatus.ACTIVE
    onset_date: PastDate | None = None
    detail: ShortText | None = None


class Medication(Record):
    """A current or past medication, by its key in the ``medications`` value set."""

    code: CodeKey = Field(min_length=1, max_length=64)
    dose: ShortText | None = Field(default=None, description="As prescribed, e.g. '40 mg daily'")
    start_date: PastDate | None = None
    end_date: PastDate | None = None
    current: bool = True


class Allergy(Record):
    """An allergy or intolerance, by its key in the ``allergies`` value set."""

    code: CodeKey = Field(min_length=1, max_length=64)
    reaction: ShortText | None = None


class TestRequest(Record):
    """A laboratory test (catalogue key) requested for this patient."""

    test: str = Field(min_length=1, max_length=64)
    date: PastDate | None = None


class TherapyRequest(Record):
    """A therapy (``therapies`` value-set key) requested by a clinician or a clinic protocol."""

    therapy: CodeKey = Field(min_length=1, max_length=64)
    protocol: ShortText | None = Field(default=None, description="Clinic protocol name, if any")
    date: PastDate | None = None


class PregnancyExclusion(Record):
    """The record's statement that she was not pregnant on ``date`` (e.g. a negative hCG).

    Without it, no ongoing pregnancy in the record leaves "pregnant now?" undecided: a check
    that depends on it stays *not assessed*. How long a negative test counts is the knowledge
    base's ``pregnancy.exclusion_valid_days``."""

    date: PastDate = Field(description="The day of the negative test (or of the statement)")
    method: PregnancyTestMethod = PregnancyTestMethod.URINE_HCG
    detail: ShortText | None = None

"""The patient and her partner."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import Identifier, PastDate, ShortText, plausible
from nidation.domain.enums import KaryotypeResult, Smoking


class Karyotype(Record):
    """A karyotype result (ISCN string optional)."""

    result: KaryotypeResult
    iscn: ShortText | None = None
    date: PastDate | None = None


class Patient(Record):
    """The woman being assessed. Give her date of birth, or her age on the assessment date."""

    id: Identifier
    birth_date: PastDate | None = None
    age_years: Annotated[float | None, plausible("plausibility.age_years")] = None
    height_cm: Annotated[float | None, plausible("plausibility.height_cm")] = None
    weight_kg: Annotated[float | None, plausible("plausibility.weight_kg")] = None
    bmi_kg_m2: Annotated[float | None, plausible("plausibility.bmi_kg_m2")] = None
    smoking: Smoking | None = None
    cigarettes_per_day: Annotated[float | None, plausible("plausibility.cigarettes_per_day")] = None
    alcohol_units_per_week: Annotated[
        float | None, plausible("plausibility.alcohol_units_per_week")
    ] = None
    caffeine_mg_per_day: Annotated[float | None, plausible("plausibility.caffeine_mg_per_day")] = (
        None
    )
    karyotype: Karyotype | None = None


class Partner(Record):
    """The male partner (or sperm donor) whose gametes were used."""

    age_years: Annotated[float | None, plausible("plausibility.partner_age_years")] = None
    karyotype: Karyotype | None = None
    sperm_dna_fragmentation_pct: Annotated[
        float | None, plausible("plausibility.sperm_dna_fragmentation_pct")
    ] = None
    sperm_dna_fragmentation_method: ShortText | None = Field(
        default=None, description="Assay, e.g. SCSA, TUNEL, SCD, Comet"
    )

"""A pregnancy and how it ended."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import Identifier, PastDate, ShortText, plausible
from nidation.domain.enums import (
    Conception,
    PocGenetics,
    PregnancyComplication,
    PregnancyOutcome,
)


class Pregnancy(Record):
    """One pregnancy (hCG-confirmed), natural or after treatment.

    ``end_date`` is when it ended (or, for an ongoing pregnancy, the date the gestational age
    refers to). Gestational age is in completed weeks plus days from the last menstrual period
    (or its IVF equivalent). ``intrauterine_sac_seen`` records whether ultrasound ever located
    the pregnancy in the uterus; ``None`` means not known.

    ``cervical_length_mm`` is the shortest transvaginal cervical length measured in this
    pregnancy and ``cervical_length_weeks`` the completed week of that scan (both or neither);
    ``None`` means not measured — never "normal". A loss or birth attributed to cervical
    insufficiency carries the ``cervical_insufficiency`` complication.
    """

    id: Identifier
    conception: Conception | None = None
    outcome: PregnancyOutcome
    end_date: PastDate | None = None
    gestational_age_weeks: Annotated[int | None, plausible("plausibility.gestation_weeks")] = None
    gestational_age_days: int | None = Field(default=None, ge=0, le=6)
    intrauterine_sac_seen: bool | None = None
    fetal_heart_seen: bool | None = None
    fetal_morphology_normal: bool | None = None
    poc_genetics: PocGenetics | None = None
    poc_genetics_detail: ShortText | None = None
    bleeding_in_early_pregnancy: bool | None = None
    complications: tuple[PregnancyComplication, ...] = ()
    cervical_length_mm: Annotated[float | None, plausible("plausibility.cervical_length_mm")] = None
    cervical_length_weeks: Annotated[int | None, plausible("plausibility.gestation_weeks")] = None
    maternal_age_years: Annotated[float | None, plausible("plausibility.age_years")] = None
    notes: ShortText | None = None

"""IVF cycles, their embryos, and embryo transfers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import Identifier, PastDate, ShortText, plausible
from nidation.domain.enums import (
    EmbryoStage,
    Insemination,
    OocyteSource,
    PgtA,
    TransferKind,
    TransferOutcome,
)


class Embryo(Record):
    """One embryo created in a cycle. ``day`` is its day of development when transferred or
    frozen; ``grade`` is written in the grading system named by ``grading_system``."""

    id: Identifier
    day: Annotated[int | None, plausible("plausibility.embryo_day")] = None
    stage: EmbryoStage
    grade: ShortText | None = None
    grading_system: ShortText | None = Field(default=None, description="e.g. Gardner, Istanbul")
    pgt_a: PgtA = PgtA.UNTESTED


class Cycle(Record):
    """An oocyte retrieval (own or donor oocytes) and the embryos it produced."""

    id: Identifier
    retrieval_date: PastDate | None = None
    age_at_retrieval_years: Annotated[float | None, plausible("plausibility.age_years")] = None
    oocyte_source: OocyteSource = OocyteSource.OWN
    donor_age_years: Annotated[float | None, plausible("plausibility.donor_age_years")] = None
    insemination: Insemination | None = None
    oocytes_retrieved: Annotated[int | None, plausible("plausibility.oocytes_retrieved")] = None
    embryos: tuple[Embryo, ...] = ()


class Transfer(Record):
    """An embryo transfer: which embryos, fresh or frozen, and what followed.

    A positive hCG (biochemical or clinical pregnancy, or an ectopic) links to the pregnancy
    record through ``pregnancy_id``, so the loss is counted once, as a pregnancy.
    """

    id: Identifier
    date: PastDate
    embryo_ids: tuple[Identifier, ...] = Field(min_length=1)
    kind: TransferKind
    endometrial_thickness_mm: Annotated[
        float | None, plausible("plausibility.endometrial_thickness_mm")
    ] = None
    outcome: TransferOutcome | None = Field(
        default=None, description="None while the pregnancy test is pending"
    )
    pregnancy_id: Identifier | None = None

"""Findings from imaging, hysteroscopy, laparoscopy and pathology."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from nidation.domain.base import Record
from nidation.domain.checks import Identifier, PastDate, ShortText, plausible
from nidation.domain.enums import (
    Cd138Denominator,
    EndometriosisStage,
    FindingKind,
    FindingMethod,
    Side,
)


class Finding(Record):
    """One examination result for one kind of finding.

    ``present`` is the reading: ``True`` found, ``False`` looked for and not found (a normal
    result), never left to mean "not examined" — an examination that was not done is simply
    not recorded. Kind-specific details:

    * uterine_anomaly: ``eshre_esge_class`` (e.g. ``U2a``, ``U0``) and optional cervix/vagina
      classes (``C0``…``C4``, ``V0``…``V4``);
    * fibroid: ``figo_type`` (``0``…``8`` or a hybrid such as ``2-5``) and ``size_mm``;
    * polyp: ``size_mm``; hydrosalpinx: ``side``;
    * chronic_endometritis: ``cd138_count`` and ``cd138_denominator``;
    * endometriosis: ``endometriosis_stage`` (rASRM);
    * thin_endometrium: ``endometrial_thickness_mm``;
    * endometrial_microbiome: ``lactobacillus_pct``.
    """

    id: Identifier | None = None
    kind: FindingKind
    present: bool
    date: PastDate | None = None
    method: FindingMethod | None = None
    eshre_esge_class: str | None = Field(default=None, pattern=r"^U[0-6](a|b|c)?$")
    cervix_class: str | None = Field(default=None, pattern=r"^C[0-4]$")
    vagina_class: str | None = Field(default=None, pattern=r"^V[0-4]$")
    figo_type: str | None = Field(default=None, pattern=r"^([0-8]|[0-8]-[0-8])$")
    size_mm: Annotated[float | None, plausible("plausibility.lesion_size_mm")] = None
    side: Side | None = None
    cd138_count: Annotated[float | None, plausible("plausibility.cd138_cells")] = None
    cd138_denominator: Cd138Denominator | None = None
    endometriosis_stage: EndometriosisStage | None = None
    endometrial_thickness_mm: Annotated[
        float | None, plausible("plausibility.endometrial_thickness_mm")
    ] = None
    lactobacillus_pct: Annotated[float | None, plausible("plausibility.lactobacillus_pct")] = None
    notes: ShortText | None = None

"""Closed vocabularies of the patient record. Values are stable snake_case strings."""

from __future__ import annotations

from enum import StrEnum


class Smoking(StrEnum):
    NEVER = "never"
    FORMER = "former"
    CURRENT = "current"


class KaryotypeResult(StrEnum):
    NORMAL = "normal"
    BALANCED_REARRANGEMENT = "balanced_rearrangement"
    OTHER_ABNORMAL = "other_abnormal"


class Conception(StrEnum):
    NATURAL = "natural"
    OVULATION_INDUCTION = "ovulation_induction"
    IUI = "iui"
    IVF_FRESH = "ivf_fresh"
    IVF_FROZEN = "ivf_frozen"
    DONOR_OOCYTE = "donor_oocyte"


class PregnancyOutcome(StrEnum):
    ONGOING = "ongoing"
    LIVE_BIRTH = "live_birth"
    STILLBIRTH = "stillbirth"
    BIOCHEMICAL_LOSS = "biochemical_loss"
    PREGNANCY_OF_UNKNOWN_LOCATION = "pregnancy_of_unknown_location"
    MISCARRIAGE = "miscarriage"
    ECTOPIC = "ectopic"
    MOLAR = "molar"
    TERMINATION = "termination"


class PocGenetics(StrEnum):
    """Result of genetic testing of the products of conception."""

    NORMAL = "normal"
    ANEUPLOID = "aneuploid"
    TRIPLOID = "triploid"
    UNBALANCED_STRUCTURAL = "unbalanced_structural"
    BALANCED_STRUCTURAL = "balanced_structural"
    OTHER_ABNORMAL = "other_abnormal"
    FAILED = "failed"


class PregnancyComplication(StrEnum):
    SEVERE_PREECLAMPSIA = "severe_preeclampsia"
    ECLAMPSIA = "eclampsia"
    PLACENTAL_INSUFFICIENCY = "placental_insufficiency"
    FETAL_GROWTH_RESTRICTION = "fetal_growth_restriction"
    CERVICAL_INSUFFICIENCY = "cervical_insufficiency"
    PRETERM_BIRTH = "preterm_birth"


class OocyteSource(StrEnum):
    OWN = "own"
    DONOR = "donor"


class Insemination(StrEnum):
    IVF = "ivf"
    ICSI = "icsi"


class EmbryoStage(StrEnum):
    CLEAVAGE = "cleavage"
    MORULA = "morula"
    BLASTOCYST = "blastocyst"


class PgtA(StrEnum):
    EUPLOID = "euploid"
    ANEUPLOID = "aneuploid"
    MOSAIC = "mosaic"
    INCONCLUSIVE = "inconclusive"
    UNTESTED = "untested"


class TransferKind(StrEnum):
    FRESH = "fresh"
    FROZEN = "frozen"


class TransferOutcome(StrEnum):
    NEGATIVE_HCG = "negative_hcg"
    BIOCHEMICAL = "biochemical"
    CLINICAL_PREGNANCY = "clinical_pregnancy"
    ECTOPIC = "ectopic"


class Qualitative(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    INDETERMINATE = "indeterminate"


class FindingKind(StrEnum):
    UTERINE_ANOMALY = "uterine_anomaly"
    POLYP = "polyp"
    FIBROID = "fibroid"
    ADHESIONS = "adhesions"
    HYDROSALPINX = "hydrosalpinx"
    CHRONIC_ENDOMETRITIS = "chronic_endometritis"
    ENDOMETRIOSIS = "endometriosis"
    ADENOMYOSIS = "adenomyosis"
    THIN_ENDOMETRIUM = "thin_endometrium"
    ENDOMETRIAL_MICROBIOME = "endometrial_microbiome"
    UTERINE_NK_CELLS = "uterine_nk_cells"


class FindingMethod(StrEnum):
    ULTRASOUND_2D = "ultrasound_2d"
    ULTRASOUND_3D = "ultrasound_3d"
    SONOHYSTEROGRAPHY = "sonohysterography"
    HSG = "hsg"
    HYSTEROSCOPY = "hysteroscopy"
    LAPAROSCOPY = "laparoscopy"
    MRI = "mri"
    HISTOLOGY = "histology"
    SEQUENCING = "sequencing"
    OTHER = "other"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"


class Cd138Denominator(StrEnum):
    """What a CD138+ plasma-cell count was counted over."""

    PER_HPF = "per_hpf"
    PER_10_HPF = "per_10_hpf"
    PER_MM2 = "per_mm2"


class EndometriosisStage(StrEnum):
    """Revised ASRM stage."""

    I = "I"  # noqa: E741
    II = "II"
    III = "III"
    IV = "IV"


class ConditionStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"


class PregnancyTestMethod(StrEnum):
    """How an ongoing pregnancy was excluded."""

    SERUM_HCG = "serum_hcg"
    URINE_HCG = "urine_hcg"
    OTHER = "other"

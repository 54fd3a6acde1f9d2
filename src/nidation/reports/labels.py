"""Words the reports put around the Assessment: status labels, record values, lay names.

Every label is marked with :func:`N_` and translated by the template that shows it. Nothing
here is a clinical fact: a lay name says in plain words *what* a rule looks at, never what it
found or what to do (that text comes from the Assessment).
"""

from __future__ import annotations

from typing import Final

from nidation.reports.i18n import N_

__all__ = [
    "CAUSE_LAY_NAMES",
    "PATIENT_STATUS",
    "RECORD_VALUES",
    "STATUS",
    "Tone",
    "humanise",
    "status_label",
]

Tone = str
"""A CSS hint for a status: strong, muted, unknown, todo, warn, good, neutral or other."""

STATUS: Final[dict[str, tuple[str, Tone]]] = {
    "met": (N_("met"), "strong"),
    "not_met": (N_("not met"), "muted"),
    "not_assessed": (N_("not assessed (unknown)"), "unknown"),
    "supported": (N_("supported"), "strong"),
    "ruled_out": (N_("ruled out"), "muted"),
    "estimated": (N_("estimated"), "neutral"),
    "due": (N_("to order"), "todo"),
    "repeat_due": (N_("repeat due"), "todo"),
    "done": (N_("done"), "muted"),
    "advised_against": (N_("advised against"), "warn"),
    "not_indicated": (N_("not indicated"), "muted"),
    "recommended": (N_("recommended"), "good"),
    "consider": (N_("consider"), "neutral"),
    "research_only": (N_("research only"), "warn"),
    "contraindicated": (N_("contraindicated for her"), "warn"),
    "flagged": (N_("flagged"), "warn"),
    "not_flagged": (N_("not flagged"), "muted"),
}

PATIENT_STATUS: Final[dict[str, str]] = {
    "recommended": N_("Recommended for you"),
    "consider": N_("May be considered: talk it through with your clinic"),
    "contraindicated": N_(
        "Not safe for you: something in your health record rules these out; your clinic will "
        "talk with you about the alternative"
    ),
    "advised_against": N_("Not recommended: guidelines advise against these"),
    "research_only": N_("Only within a research study"),
    "not_indicated": N_("Not needed for you at the moment"),
    "not_assessed": N_("Not yet known: more information is needed first"),
}
"""Headings of the patient summary's treatment list, in the order they are shown."""

RECORD_VALUES: Final[dict[str, str]] = {
    # pregnancy outcomes
    "ongoing": N_("ongoing"),
    "live_birth": N_("live birth"),
    "stillbirth": N_("stillbirth"),
    "biochemical_loss": N_("biochemical loss"),
    "pregnancy_of_unknown_location": N_("pregnancy of unknown location"),
    "miscarriage": N_("miscarriage"),
    "ectopic": N_("ectopic"),
    "molar": N_("molar"),
    "termination": N_("termination"),
    # transfer outcomes and kinds
    "negative_hcg": N_("negative hCG"),
    "biochemical": N_("biochemical pregnancy"),
    "clinical_pregnancy": N_("clinical pregnancy"),
    "fresh": N_("fresh"),
    "frozen": N_("frozen"),
    # embryos
    "cleavage": N_("cleavage embryo"),
    "morula": N_("morula"),
    "blastocyst": N_("blastocyst"),
    "euploid": N_("euploid"),
    "aneuploid": N_("aneuploid"),
    "mosaic": N_("mosaic"),
    "inconclusive": N_("inconclusive"),
    "untested": N_("untested"),
    "own": N_("own oocytes"),
    "donor": N_("donor oocytes"),
}

CAUSE_LAY_NAMES: Final[dict[str, str]] = {
    "embryo-aneuploidy": N_("Chromosome differences in the embryo"),
    "poor-embryo-quality": N_("The quality of the embryos"),
    "parental-structural-rearrangement": N_("A rearrangement in either parent's chromosomes"),
    "sperm-dna-fragmentation": N_("Damage to the DNA in sperm"),
    "lifestyle-factors": N_("Lifestyle: smoking, alcohol, caffeine and weight"),
    "diabetes": N_("Diabetes (high blood sugar)"),
    "insulin-resistance-pcos-obesity": N_("Weight, insulin resistance or polycystic ovaries"),
    "hyperprolactinaemia": N_("A high level of the hormone prolactin"),
    "thyroid-dysfunction": N_("How well the thyroid gland works"),
    "thyroid-autoimmunity": N_("Antibodies against the thyroid gland"),
    "vitamin-d-deficiency": N_("Low vitamin D"),
    "alloimmune-unproven": N_("Immune matching between partners"),
    "aps-persistent-antibodies": N_("Antiphospholipid antibodies, found more than once"),
    "aps-sydney-2006-classification": N_("Antiphospholipid syndrome (Sydney 2006 criteria)"),
    "aps-acr-eular-2023-score": N_("Antiphospholipid syndrome (ACR/EULAR 2023 criteria)"),
    "sle-connective-tissue-disease": N_("Lupus or a related autoimmune disease"),
    "inherited-thrombophilia": N_("An inherited tendency to blood clots"),
    "endometrial-polyp": N_("A polyp (a small growth) inside the womb"),
    "cavity-distorting-fibroid": N_("A fibroid that changes the shape inside the womb"),
    "intrauterine-adhesions": N_("Scar tissue inside the womb"),
    "adenomyosis": N_("Adenomyosis (womb lining tissue inside the womb muscle)"),
    "endometriosis": N_("Endometriosis"),
    "congenital-uterine-anomaly": N_("A difference in the shape of the womb, present from birth"),
    "thin-endometrium": N_("A thin womb lining"),
    "chronic-endometritis": N_("Long-lasting inflammation of the womb lining"),
    "endometrial-microbiome": N_("The bacteria of the womb lining"),
    "uterine-nk-cells": N_("Immune cells of the womb lining (NK cells)"),
    "hydrosalpinx": N_("A blocked fallopian tube filled with fluid (hydrosalpinx)"),
    # surveillance rules: what the extra care in pregnancy is about
    "aps-placental-complications-surveillance": N_("Antiphospholipid antibodies"),
    "uterine-anomaly-pregnancy-risk": N_("The shape of the womb"),
    "cervical-length-surveillance": N_("The length of the cervix (the neck of the womb)"),
    "progesterone-if-bleeding-after-miscarriage": N_(
        "Progesterone if you bleed early in a pregnancy"
    ),
}


def humanise(code: str) -> str:
    """``advised_against`` → ``advised against``: a readable form of an unknown code."""
    return code.replace("_", " ").replace("-", " ")


def status_label(status: str) -> tuple[str, Tone]:
    """The label and tone of a status; an unknown status is shown as written, never hidden."""
    return STATUS.get(status, (humanise(status), "other"))

"""The draft treatment protocol: every therapy her indications call for, with its stance."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.knowledge import Knowledge

STANCE_LINE = (
    "{display}: {stance_words} for {indication} ({guideline}{strength_shown}){pending_note}. "
    "{disagree_note}Guidelines: {stances}"
)
PENDING_NOTE = (
    " — not yet confirmed for her, but no result of the pending work-up would make it recommended"
)
EVIDENCE_TEXT = (
    "display",
    "indication",
    "indication_key",
    "stance",
    "stance_words",
    "strength",
    "strength_shown",
    "recommendation",
    "guideline",
    "stances",
    "qualifier",
    "evidence",
    "basis",
    "regimen",
    "timing",
    "awaiting",
    "summary",
)


CONTRAINDICATED_LINE = (
    "{display}: contraindicated for her — {contraindicated_by} Without that, {stance_words} for "
    "{indication} ({guideline}{strength_shown}). Guidelines: {stances}"
)


def protocol_rows(facts: Facts) -> ir.Table:
    """``therapy_options`` in the shape the therapy rules return (one row per therapy).

    A therapy with an absolute contraindication that hits (``absolute_contraindications``) is
    demoted to ``contraindicated`` whatever its stance; the stance stays in
    ``guideline_status`` and the alternative its sources name in ``alternative_shown``."""
    from nidation.rules.therapy.options import STANCE_WORDS
    from nidation.rules.therapy.safety import NO_ALTERNATIVE, absolute_contraindications

    o = facts.derived("therapy_options")
    ab = absolute_contraindications(facts)
    o = o.left_join(ab, ["patient_id", "therapy"]).drop("patient_id_right", "therapy_right")
    blocked = o.contraindicated_by.notnull()
    return o.select(
        "patient_id",
        *[c for c in EVIDENCE_TEXT if c in o.columns and c != "stance_words"],
        status=ibis.ifelse(blocked, ibis.literal("contraindicated"), o.status),
        guideline_status=o.status,
        contraindicated_by=o.contraindicated_by,
        alternative_shown=ibis.ifelse(
            blocked, ibis.coalesce(o.alternative, NO_ALTERNATIVE), ibis.null("string")
        ),
        item=o.therapy,
        stance_words=o.stance.substitute(STANCE_WORDS, else_=o.stance),
        strength_shown=ibis.coalesce(", " + o.strength, ""),
        guidelines_disagree=o.guidelines_disagree,
        pending_only=o.pending_only,
        disagree_note=ibis.ifelse(
            o.guidelines_disagree.fill_null(False), "The guidelines disagree. ", ""
        ),
        pending_note=ibis.ifelse(o.pending_only.fill_null(False), PENDING_NOTE, ""),
        losses=o.losses,
        timing_shown=ibis.coalesce(o.timing, "not documented by the sources"),
        regimen_shown=ibis.coalesce(o.regimen, "no sourced regimen; follow the local protocol"),
    )


@rule(
    id="TX-PLAN-001",
    name="therapy-stance-for-her-indications",
    kind="therapy",
    # Each row also cites the recommendation of its own stance (evidence ``recommendation``).
    implements=[
        "rcog-gtg17-2023/aps-aspirin-heparin",
        "eshre-rpl-2022/no-heparin-aspirin-unexplained",
        "eshre-rpl-2022/no-intralipid",
        "eshre-rif-2023/lmwh-not-recommended",
    ],
    uses=["table:therapy_stances", "table:therapy_details", "table:therapy_checks"],
    because={
        "contraindicated": CONTRAINDICATED_LINE,
        "recommended": STANCE_LINE,
        "consider": STANCE_LINE,
        "research_only": STANCE_LINE,
        "advised_against": STANCE_LINE,
        "not_indicated": "{display}: no guideline recommends it for {indication}. Guidelines: "
        "{stances}",
        "not_assessed": "{display}: depends on {awaiting}, not yet assessed",
    },
    next_step={
        "contraindicated": "Do not give it. Instead: {alternative_shown}",
        "recommended": "Timing: {timing_shown}. Regimen: {regimen_shown}",
        "consider": "Discuss with her; timing: {timing_shown}. Regimen: {regimen_shown}",
        "research_only": "Offer only within a registered trial",
        "advised_against": "Do not offer outside research; explain the evidence to her",
        "not_assessed": "Complete the work-up for {awaiting}",
    },
)
def therapy_stance_for_her_indications(facts: Facts, kb: Knowledge) -> ir.Table:
    """The guideline stance on each therapy her supported causes and definitions call for.

    ## What it decides
    For every therapy of the catalogue with an indication she has (RPL, RIF, unexplained RPL,
    APS, thyroid cells of ATA 2017, chronic endometritis, uterine lesions, vitamin D
    deficiency…), the most favourable guideline stance that applies to her population and loss
    count: ``recommended``, ``consider`` (conditional), ``research_only``, ``advised_against``
    or ``not_indicated`` (no guideline recommends it). Every applicable stance is listed, so a
    disagreement between guidelines is visible. A therapy whose only indications are not yet
    assessed is ``not_assessed`` and names them. Regimen and timing are shown only as the
    catalogue's sources document them. A therapy with an absolute contraindication that hits
    her record (TX-SAFE-001's checks: previous heparin-induced thrombocytopenia, even resolved;
    an allergy to the drug…) is ``contraindicated`` whatever its stance, and the alternative
    its sources name is shown.

    ## Why it matters
    Clinics offer immunomodulators beyond the evidence. Drafting only what a guideline supports,
    and showing honestly what guidelines advise against (intralipid, IVIG, corticosteroids,
    heparin in unexplained RPL or RIF), protects patients from ineffective and harmful care.

    ## Not assessed when
    The indication that would call for the therapy is itself not assessed (e.g. APS antibodies
    not tested: heparin plus aspirin waits for them).

    ## Example
    Three losses and persistent antiphospholipid antibodies: LMWH and low-dose aspirin
    recommended (RCOG 2023; ESHRE 2017 conditional). Unexplained RPL: LMWH, aspirin and
    prednisolone advised against (ESHRE 2022, strong); psychological support recommended.
    The same APS patient with heparin-induced thrombocytopenia recorded as resolved: LMWH
    contraindicated, instead a non-heparin anticoagulant (fondaparinux or danaparoid) chosen
    with a haematologist.
    """
    return protocol_rows(facts)

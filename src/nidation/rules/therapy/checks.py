"""The safety verdict per considered therapy, and each requested therapy against the guidelines."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.knowledge import Knowledge
from nidation.rules.therapy.protocol import protocol_rows

FLAGGED, NOT_FLAGGED, NOT_ASSESSED = "flagged", "not_flagged", "not_assessed"


@rule(
    id="TX-SAFE-001",
    name="therapy-contraindication-or-interaction",
    kind="surveillance",
    implements=["alife2-2023/exclusions"],
    uses=[
        "table:therapy_checks",
        "lmwh.crcl_exclusion_below_ml_min",
        "lmwh.platelets_min_10e9_per_l",
        "metformin.egfr_contraindicated_below_ml_min_173m2",
        "metformin.egfr_start_not_recommended_below_ml_min_173m2",
        "metformin.pregmet2_creatinine_exclusion_umol_per_l",
        "metformin.pregmet2_alt_exclusion_iu_per_l",
        "pregnancy.exclusion_valid_days",
        "table:condition_history",
    ],
    because={
        FLAGGED: "{display}: {flags}",
        NOT_FLAGGED: "{display}: {checked}{limits_shown}",
        NOT_ASSESSED: "{display}: not fully checked, the record lacks {lacking}{limits_shown}",
    },
    next_step={
        FLAGGED: "{action}",
        NOT_ASSESSED: "Record {lacking} before prescribing",
    },
)
def therapy_contraindication_or_interaction(facts: Facts, kb: Knowledge) -> ir.Table:
    """Contraindications and interactions of each therapy she may receive.

    ## What it decides
    For each therapy the protocol recommends or would consider, or that was requested, whether
    any of its catalogue checks applies to her: a listed condition (e.g. previous
    heparin-induced thrombocytopenia), an allergy (egg or soya for intralipid), a current
    medication, the latest laboratory value beyond a sourced limit (eGFR for metformin,
    creatinine clearance or platelets for heparin), an ongoing pregnancy (doxycycline), and the
    per-kg dose limit (hydroxychloroquine). ``flagged`` lists every hit with its severity;
    ``not_flagged`` means every check could be decided and none applies. A condition whose
    history counts (``condition_history``: HIT, previous VTE, bleeding disorders…) counts
    whatever its recorded status. An absolute contraindication says not to give the therapy
    and names the alternative its sources offer; the plan and the requested-therapy check
    demote the therapy to ``contraindicated`` with it.

    ## Why it matters
    A protocol drafted from guidelines can still harm the patient it is drafted for. The flag
    keeps the therapy visible with the reason, so the clinician decides knowingly.

    ## Not assessed when
    No check applies but at least one could not be decided: her allergies, conditions or
    medications are not recorded (an empty list without the case's "none known" statement), a
    laboratory result is missing, her weight is unknown, or pregnancy is neither recorded nor
    excluded by a recent negative test. The verdict names what is missing.

    ## Example
    Metformin considered for PCOS with an eGFR of 25 mL/min/1.73m²: flagged (contraindicated
    below the sourced limit). Intralipid requested with no allergies recorded: not assessed,
    "could not check her allergies (none recorded)"; with ``no_known_allergies: true`` it is
    decided. LMWH for APS with HIT recorded as resolved: flagged, contraindicated, "do not give
    it; instead: a non-heparin anticoagulant, fondaparinux or danaparoid…".
    """
    s = facts.derived("therapy_safety")
    agg = s.group_by(["patient_id", "therapy"]).aggregate(
        checks=s.count(),
        hits=ibis.ifelse(s.hit.fill_null(False), 1, 0).sum(),
        undecided=ibis.ifelse(s.hit.isnull(), 1, 0).sum(),
        worst=ibis.ifelse(s.hit.fill_null(False), s.severity_rank, 0).max(),
        flags=s.flag.collect(where=s.hit.fill_null(False), distinct=True).sort().join("; "),
        lacking=s.lacking.collect(where=s.hit.isnull(), distinct=True).sort().join(", "),
        limits=s.limits.collect(where=s.limits.notnull(), distinct=True).sort().join("; "),
        alternatives=s.alternative.collect(
            where=s.hit.fill_null(False) & (s.severity == "absolute") & s.alternative.notnull(),
            distinct=True,
        )
        .sort()
        .join("; "),
    )
    from nidation.rules.therapy.safety import (
        NO_ALTERNATIVE,
        SEVERITY_RANK,
        considered_therapies,
    )

    pairs = considered_therapies(facts)
    j = pairs.left_join(agg, ["patient_id", "therapy"]).drop("patient_id_right", "therapy_right")
    d = facts.kb_table("therapy_details").select("therapy", "display")
    j = j.join(d, "therapy")
    checks = j.checks.fill_null(0)
    status = ibis.cases(
        (j.hits.fill_null(0) > 0, FLAGGED),
        (j.undecided.fill_null(0) > 0, NOT_ASSESSED),
        else_=NOT_FLAGGED,
    )
    limits = ibis.ifelse(j.limits.notnull() & (j.limits != ""), "; " + j.limits, "")
    absolute = j.worst.fill_null(0) >= SEVERITY_RANK["absolute"]
    action = ibis.ifelse(
        absolute,
        "Do not give " + j.display + ". Instead: " + ibis.coalesce(j.alternatives, NO_ALTERNATIVE),
        "Review before prescribing; the therapy stays listed with this flag",
    )
    return j.select(
        "patient_id",
        "display",
        item=j.therapy,
        status=status,
        checks=checks,
        worst_severity=j.worst.fill_null(0),
        flags=j.flags,
        lacking=j.lacking,
        limits_shown=limits,
        contraindicated=absolute,
        alternatives=j.alternatives,
        action=action,
        checked=ibis.ifelse(
            checks > 0,
            "none of its " + checks.cast("string") + " listed contraindications or "
            "interactions applies",
            "the catalogue lists no contraindication or interaction",
        ),
    )


@rule(
    id="TX-REQ-001",
    name="requested-therapy-against-guidelines",
    kind="therapy",
    implements=["eshre-rpl-2022/no-intralipid", "eshre-rif-2023/intralipid-not-recommended"],
    uses=["table:therapy_stances", "table:therapy_checks"],
    because=dict.fromkeys(
        (
            "contraindicated",
            "recommended",
            "consider",
            "research_only",
            "advised_against",
            "not_indicated",
            "not_assessed",
        ),
        "{line}",
    ),
    next_step={
        "contraindicated": "Do not give it. Instead: {alternative_shown}",
        "advised_against": "Explain the evidence to her; do not give outside research",
        "research_only": "Give only within a registered trial",
        "not_indicated": "{next_line}",
        "not_assessed": "Complete the work-up for {awaiting} before deciding",
    },
)
def requested_therapy_against_guidelines(facts: Facts, kb: Knowledge) -> ir.Table:
    """Each therapy a clinician or clinic protocol requested, checked against her indications.

    ## What it decides
    For every requested therapy (``requested_therapies``, with the clinic protocol it came
    from), the guideline stance her indications give it — the same stance TX-PLAN-001 drafts —
    and the deviation in words: in line with the guidelines, conditional, research only,
    advised against (with the recommendation and its strength), no indication she has, or
    waiting for a work-up. Safety flags for the same therapy are decided by TX-SAFE-001; an
    absolute contraindication that hits overrides the stance: ``contraindicated``, with the
    contraindication and the alternative its sources name. Nothing requested is dropped and
    nothing is endorsed silently.

    ## Why it matters
    Personalised immunomodulatory protocols (intralipid, G-CSF, corticosteroids, heparin in
    RIF) are offered although guidelines advise against them; the clinician and the patient
    must see where each item stands, with the evidence.

    ## Not assessed when
    The only indications that could call for the therapy are not yet assessed.

    ## Example
    Intralipid requested by a clinic's implantation-failure protocol for a woman with RIF:
    advised against (ESHRE RIF 2023, good practice recommendation). LMWH requested for APS with
    three losses: in line with the guidelines (recommended) — unless she had heparin-induced
    thrombocytopenia, even long ago: contraindicated, instead fondaparinux or danaparoid with a
    haematologist.
    """
    from nidation.rules.therapy.safety import NO_ALTERNATIVE, absolute_contraindications

    r = facts.requested_therapies
    req = r.group_by(["patient_id", "therapy"]).aggregate(
        protocols=r.protocol.collect(distinct=True).sort().join(", "),
        requested_date=r.date.max(),
    )
    o = protocol_rows(facts)
    j = req.left_join(o, [req.patient_id == o.patient_id, req.therapy == o.item])
    d = facts.kb_table("therapy_details").select("therapy", display_name="display")
    j = j.select(
        req.patient_id,
        req.therapy,
        req.protocols,
        req.requested_date,
        o.guideline_status.name("status"),
        o.indication,
        o.stance_words,
        o.guideline,
        o.strength_shown,
        o.recommendation,
        o.stances,
        o.awaiting,
        o.evidence,
        o.pending_note,
    ).join(d, "therapy")
    ab = absolute_contraindications(facts)
    j = j.left_join(ab, ["patient_id", "therapy"]).drop("patient_id_right", "therapy_right")
    stance_status = ibis.coalesce(j.status, ibis.literal("not_indicated"))
    blocked = j.contraindicated_by.notnull()
    status = ibis.ifelse(blocked, ibis.literal("contraindicated"), stance_status)
    stance = (
        j.stance_words
        + " for "
        + j.indication
        + " ("
        + ibis.coalesce(j.guideline, "no guideline")
        + j.strength_shown
        + ")"
        + ibis.coalesce(j.pending_note, "")
    )
    alternative = ibis.coalesce(j.alternative, NO_ALTERNATIVE)
    deviation = ibis.cases(
        (
            status == "contraindicated",
            "deviation — contraindicated for her: "
            + j.contraindicated_by
            + " Instead: "
            + alternative,
        ),
        (status == "recommended", "in line with the guidelines: " + stance),
        (status == "consider", "conditional: " + stance),
        (status == "research_only", "deviation — research only: " + stance),
        (status == "advised_against", "deviation — " + stance),
        (status == "not_assessed", "waiting for the work-up of " + j.awaiting),
        (j.status == "not_indicated", "deviation — no guideline recommends it: " + j.stances),
        else_="deviation — none of her indications calls for it",
    )
    origin = ibis.coalesce(
        ibis.ifelse(j.protocols != "", "protocol " + j.protocols, None), "requested"
    )
    rows = j.select(
        patient_id=j.patient_id.cast("string"),
        item=j.therapy.cast("string"),
        status=status,
        display=j.display_name,
        line=j.display_name + " (" + origin + "): " + deviation,
        next_line=ibis.literal("Document the reason, or remove it from her protocol"),
        deviation=deviation,
        protocols=j.protocols,
        recommendation=j.recommendation,
        stances=j.stances,
        awaiting=j.awaiting,
        requested_date=j.requested_date,
        in_line=status.isin(("recommended", "consider")),
        guideline_status=stance_status,
        contraindicated_by=j.contraindicated_by,
        alternative_shown=ibis.ifelse(blocked, alternative, None),
    )
    pt = facts.patients
    none = pt.filter(~pt.patient_id.isin(r.patient_id)).select(
        patient_id=pt.patient_id.cast("string"),
        item=ibis.null("string"),
        status=ibis.literal("not_indicated"),
        display=ibis.null("string"),
        line=ibis.literal("No therapy was requested for her"),
        next_line=ibis.literal("Nothing requested to check"),
        deviation=ibis.null("string"),
        protocols=ibis.null("string"),
        recommendation=ibis.null("string"),
        stances=ibis.null("string"),
        awaiting=ibis.null("string"),
        requested_date=ibis.null("date"),
        in_line=ibis.null("boolean"),
        guideline_status=ibis.null("string"),
        contraindicated_by=ibis.null("string"),
        alternative_shown=ibis.null("string"),
    )
    return rows.union(none)

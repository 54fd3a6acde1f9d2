"""High sperm DNA fragmentation in the partner (an explanatory finding only)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.plan import Derivation
from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.status import NOT_ASSESSED, RULED_OUT, SUPPORTED
from nidation.engine.vocabulary import compare
from nidation.knowledge import Knowledge

CUT_OFF = "sperm.dfi_high_min_pct"


def cause_sperm_dna_fragmentation(facts: Facts, kb: Knowledge) -> ir.Table:
    """Every patient: her partner's sperm DNA fragmentation against the cut-off."""
    p = facts.patients
    sdf = p.partner_sperm_dna_fragmentation_pct
    high = compare(sdf, str(kb.threshold(CUT_OFF).operator), kb.value(CUT_OFF))
    status = ibis.cases((sdf.isnull(), NOT_ASSESSED), (high, SUPPORTED), else_=RULED_OUT)
    return p.select(
        # nullable like every joined rule output, so the engine's union of rule tables agrees
        patient_id=p.patient_id.cast("string"),
        sdf_pct=sdf,
        sdf_method=p.partner_sperm_dna_fragmentation_method.fill_null("method not recorded"),
        status=status,
    )


@rule(
    id="MALE-CAUSE-001",
    name="sperm-dna-fragmentation",
    kind="cause",
    implements=[
        "eisenberg-2017/dfi-and-loss",
        "mcqueen-2019/sdf-higher-in-rpl",
        "eshre-rpl-2022/sperm-dna-explanatory",
        "rcog-gtg17-2023/no-sperm-dna-outside-research",
        "eshre-rif-2023/sperm-dna-not-recommended",
    ],
    uses=[CUT_OFF],
    because={
        SUPPORTED: "Explanatory only: partner's sperm DNA fragmentation {sdf_pct}% "
        "({sdf_method}) is at or above {kb[sperm.dfi_high_min_pct]}%, the SCSA DNA "
        "fragmentation index associated with pregnancy loss in the LIFE study; an "
        "association, not a proven cause (ESHRE RPL: for explanation only; RCOG: not outside "
        "research; ESHRE RIF: testing not recommended)",
        RULED_OUT: "Partner's sperm DNA fragmentation {sdf_pct}% ({sdf_method}) is below "
        "{kb[sperm.dfi_high_min_pct]}% (SCSA cut-off of the LIFE study)",
        NOT_ASSESSED: "No sperm DNA fragmentation result for the partner",
    },
    next_step={
        SUPPORTED: "Use for explanation and counselling only, not to choose a treatment; "
        "address male lifestyle factors such as smoking",
        NOT_ASSESSED: "No test needed: ESHRE RIF advises against it, RCOG keeps it to "
        "research and ESHRE RPL allows it for explanation only",
    },
)
def sperm_dna_fragmentation(facts: Facts, kb: Knowledge) -> ir.Table:
    """High sperm DNA fragmentation in the partner, as an explanatory finding.

    ## What it decides
    **Supported** (explanatory only) when the partner's sperm DNA fragmentation is at or
    above ``sperm.dfi_high_min_pct``; **ruled out** when it is below; **not assessed** when
    no result is recorded. The cut-off is the SCSA DNA fragmentation index of the LIFE
    study; a result from another assay (TUNEL, SCD, Comet) is compared with it as well, and
    its method is shown beside the value.

    ## Why it matters
    Partners of couples with RPL have higher sperm DNA fragmentation and a high index is
    associated with pregnancy loss, but no treatment directed at it is proven: ESHRE (RPL)
    allows the test for explanation only, RCOG not outside research, and ESHRE (RIF) advises
    against it. A supported status therefore explains; it never recommends treatment.

    ## Not assessed when
    No sperm DNA fragmentation result is recorded for the partner.

    ## Example
    SCSA DNA fragmentation index 34%: supported, explanatory only.
    """
    return facts.derived("cause_sperm_dna_fragmentation")


DERIVATIONS = {"cause_sperm_dna_fragmentation": Derivation(cause_sperm_dna_fragmentation)}

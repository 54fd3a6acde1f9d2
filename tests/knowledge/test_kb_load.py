"""The packaged knowledge base loads, resolves every reference and exposes the agreed API."""

from __future__ import annotations

import re
from datetime import date

import pyarrow as pa
import pytest

from nidation.domain.context import LabCatalogue, ValidationContext
from nidation.knowledge import Knowledge, load_knowledge
from nidation.knowledge.load import content_hash, data_root

# Keys the domain layer looks up (all required).
DOMAIN_LIMITS = [
    "age_years", "partner_age_years", "donor_age_years", "height_cm", "weight_kg", "bmi_kg_m2",
    "bmi_tolerance_kg_m2", "cigarettes_per_day", "alcohol_units_per_week", "caffeine_mg_per_day",
    "gestation_weeks", "live_birth_min_weeks", "stillbirth_min_weeks", "embryo_day",
    "embryos_per_transfer", "oocytes_retrieved", "endometrial_thickness_mm",
    "sperm_dna_fragmentation_pct", "cd138_cells", "lactobacillus_pct", "lesion_size_mm",
    "pregnancies_count", "cycles_count", "transfers_count", "lab_results_count",
]  # fmt: skip


def test_load_is_cached_and_versioned(base: Knowledge) -> None:
    assert load_knowledge() is base
    assert re.fullmatch(r"\d{4}\.\d+\.\d+\+[0-9a-f]{8}", base.version)
    assert base.version.endswith(content_hash(data_root())[:8])
    assert base.overlay is None


def test_every_reference_resolves(base: Knowledge) -> None:
    entries = [*base.recommendations.values(), *base.thresholds.values()]
    entries += [*base.plausibility.values()]
    for entry in entries:
        assert entry.source in base.sources
        assert entry.locator
    for table in base.tables.values():
        assert table.source in base.sources
        for row in table.rows:
            assert row["source"] in base.sources and row["locator"]
    for test in base.labs.tests.values():
        assert test.source in base.sources
        assert all(c.source in base.sources for c in test.conversions)


def test_recommendation_ids_name_their_source(base: Knowledge) -> None:
    for rec_id, rec in base.recommendations.items():
        assert rec_id.split("/", 1)[0] == rec.source


def test_required_sources_exist(base: Knowledge) -> None:
    for key in ["eshre-rpl-2022", "eshre-rif-2023", "rcog-gtg17-2023", "asrm-2013-def",
                "asrm-2012", "sydney-2006", "acr-eular-2023", "ata-2017", "brigham-1999",
                "harton-2013", "reig-2020", "pirtea-2021", "hfea-2018", "magnus-2019",
                "nybo-andersen-2000", "coughlan-2014", "polanski-2014", "lugano-2023",
                "icmart-2017", "kolte-2015", "iom-2010", "endocrine-society-2011",
                "grimbizis-2013", "nidation-plausibility"]:  # fmt: skip
        assert key in base.sources, key
    assert base.sources["nidation-plausibility"].kind == "project convention"


def test_definitions_are_stored_as_the_sources_state_them(base: Knowledge) -> None:
    assert base.value("rpl.eshre_min_losses") == 2
    assert base.value("rpl.rcog_min_first_trimester_miscarriages") == 3
    assert base.value("rpl.asrm_min_clinical_losses") == 2
    assert base.value("pregnancy.early_loss_max_weeks") == 10
    assert base.value("pregnancy.first_trimester_max_weeks") == 12
    assert base.value("aps.persistence_min_days") == 84
    rif = base.threshold("rif.eshre_cumulative_threshold_fraction")
    assert (rif.value, rif.verified) == (0.60, False)
    assert base.text("rif.eshre_operator") == ">="
    assert base.threshold("rpl.upper_gestation_weeks").verified is False
    assert base.threshold("rpl.eshre_min_losses").verified is True


def test_value_and_text_refuse_the_wrong_kind(base: Knowledge) -> None:
    with pytest.raises(TypeError):
        base.value("rif.eshre_operator")
    with pytest.raises(TypeError):
        base.text("rpl.eshre_min_losses")
    with pytest.raises(KeyError, match=r"no\.such_key"):
        base.value("no.such_key")


def test_grades_are_kept_as_each_source_grades_them(base: Knowledge) -> None:
    nk = base.recommendations["eshre-rpl-2017/nk-cells-insufficient-evidence"]
    assert (nk.strength, nk.certainty, nk.verified) == ("strong", "⊕○○○ very low", True)
    assert base.recommendations["rcog-gtg17-2023/poc-cytogenetics"].strength == "D"
    assert base.recommendations["ata-2017/lt4-tpo-negative-tsh-above-10"].certainty == "low"
    aps = base.recommendations["eshre-rpl-2017/aps-two-losses-research"]
    assert (aps.strength, aps.stance) == ("GPP", "research_only")


def test_validation_context_carries_limits_labs_and_codes(base: Knowledge) -> None:
    ctx = base.validation_context(today=date(2026, 1, 2))
    assert isinstance(ctx, ValidationContext)
    assert ctx.today == date(2026, 1, 2)
    for name in DOMAIN_LIMITS:
        limit = ctx.limit(f"plausibility.{name}")
        assert limit.min is not None or limit.max is not None
    assert ctx.limit("plausibility.gestation_weeks").max == 45
    assert ctx.limit("plausibility.live_birth_min_weeks").max is None
    catalogue: LabCatalogue = base.labs  # the Labs class satisfies the domain's protocol
    assert ctx.labs is catalogue
    assert {"sle", "aps", "qt_prolongation"} <= ctx.codes["conditions"]
    assert {"lmwh", "growth_hormone"} <= ctx.codes["medications"]
    assert {"lipid_emulsion", "latex"} <= ctx.codes["allergies"]
    assert {"era_timed_transfer", "assisted_hatching"} <= ctx.codes["therapies"]


def test_codes_come_only_from_the_shared_references(base: Knowledge) -> None:
    conditions = base.valuesets["conditions"]
    assert [e.code for e in conditions.codes_for("aps")] == ["D68.61"]
    assert conditions.codes_for("sle") == ()
    loinc = base.valuesets["loinc"]
    assert loinc.key_for("3181-5") == "acl_igg"
    assert loinc.key_for("2839-9") is None  # progesterone code is unverified
    assert base.labs.loinc_matches("acl_igg", "8065-5")
    assert not base.labs.loinc_matches("progesterone", "2839-9")
    assert not base.labs.loinc_matches("acl_igm", "3181-5")


def test_tables_convert_to_arrow(base: Knowledge) -> None:
    for table in base.tables.values():
        arrow = table.to_arrow()
        assert isinstance(arrow, pa.Table)
        assert arrow.num_rows == len(table.rows) == len(table.to_dicts())
    schema = base.tables["embryo_implantation"].to_arrow().schema
    assert schema.field("probability").type == pa.float64()
    assert schema.field("verified").type == pa.bool_()

"""Laboratory values reach their canonical unit through pint, or are refused with a reason."""

from __future__ import annotations

import pytest

from nidation.domain.context import UnitProblem
from nidation.knowledge import Knowledge


def test_vitamin_d_uses_the_sourced_factor(base: Knowledge) -> None:
    labs = base.labs
    assert labs.convert("vitamin_d_25oh", 20, "ng/mL", "nmol/L") == pytest.approx(49.92)
    assert labs.normalise("vitamin_d_25oh", 49.92, "nmol/L") == pytest.approx((20.0, "ng/mL"))
    factor = base.labs.tests["vitamin_d_25oh"].conversions[0]
    assert (factor.factor, factor.verified, factor.source) == (
        2.496,
        True,
        "endocrine-society-2011",
    )


def test_hba1c_uses_the_affine_master_equation(base: Knowledge) -> None:
    labs = base.labs
    assert labs.convert("hba1c", 6.5, "%", "mmol/mol") == pytest.approx(47.5, abs=0.1)
    value, unit = labs.normalise("hba1c", 48, "mmol/mol")
    assert unit == "%" and value == pytest.approx(6.54, abs=0.01)
    assert labs.normalise("hba1c", 31, "mmol/mol")[0] == pytest.approx(4.99, abs=0.01)
    assert labs.tests["hba1c"].conversions[0].verified is False


def test_prolactin_factor_is_data_and_unverified(base: Knowledge) -> None:
    labs = base.labs
    value, unit = labs.normalise("prolactin", 530, "mIU/L")
    assert value == pytest.approx(25.0) and unit == "ng/mL"
    assert labs.normalise("prolactin", 25, "µg/L")[0] == pytest.approx(25.0)
    assert labs.convert("prolactin", 10, "ng/mL", "mU/L") == pytest.approx(212.0)
    assert labs.tests["prolactin"].conversions[0].verified is False


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected", "canonical"),
    [
        ("tsh", 2.5, "mIU/L", 2.5, "mIU/L"),
        ("tsh", 2.5, "µIU/mL", 2.5, "mIU/L"),
        ("tsh", 2.5, "μIU/mL", 2.5, "mIU/L"),  # Greek mu, same as the micro sign
        ("tsh", 2.5, " uIU/mL ", 2.5, "mIU/L"),
        ("tsh", 2.5, "mU/L", 2.5, "mIU/L"),
        ("vitamin_d_25oh", 30, "µg/L", 30, "ng/mL"),
        ("fasting_glucose", 126, "mg/dL", 6.99, "mmol/L"),
        ("creatinine", 1.0, "mg/dL", 88.4, "µmol/L"),
        ("free_t4", 1.0, "ng/dL", 12.87, "pmol/L"),
        ("progesterone", 10, "ng/mL", 31.8, "nmol/L"),
        ("platelets", 250, "10^3/µL", 250, "10^9/L"),
        ("hcg", 100, "mIU/mL", 100, "IU/L"),
        ("acl_igg", 45, "GPL U/mL", 45, "GPL"),
        ("acl_igm", 45, "MPL", 45, "MPL"),
        ("ab2gpi_igg", 45, "U/mL", 45, "U/mL"),
        ("alt", 30, "U/L", 30, "IU/L"),
    ],
)
def test_accepted_units_normalise(
    base: Knowledge, test: str, value: float, unit: str, expected: float, canonical: str
) -> None:
    result, unit_out = base.labs.normalise(test, value, unit)
    assert unit_out == canonical
    assert result == pytest.approx(expected, rel=2e-3)


@pytest.mark.parametrize(
    ("test", "unit", "reason"),
    [
        ("tsh", "furlong", "not accepted for TSH"),
        ("tsh", "mIU/mL", "not accepted"),  # not a synonym of mIU/L: refused, never guessed
        ("tsh", "", "needs a unit"),
        ("tsh", None, "needs a unit"),
        ("tsh", "   ", "needs a unit"),
        ("acl_igg", "MPL", "IgM unit"),
        ("acl_igg", "MPL U/mL", "IgM unit"),
        ("acl_igg", "U/mL", "unit 'U/mL' is ambiguous for anticardiolipin IgG; report it in GPL"),
        ("acl_igm", "GPL", "IgG unit"),
        ("acl_igm", "U/mL", "ambiguous for anticardiolipin IgM"),
        ("ab2gpi_igg", "SMU", "IgM unit"),
        ("tpo_ab", "U/mL", "ambiguous"),
        ("fasting_insulin", "pmol/L", "assay-dependent"),
        ("hba1c", "mmol/L", "not accepted"),
        ("vitamin_d_25oh", "ng/dL", "not accepted"),
    ],
)
def test_wrong_or_ambiguous_units_are_refused(
    base: Knowledge, test: str, unit: str | None, reason: str
) -> None:
    with pytest.raises(UnitProblem, match=reason.replace("(", r"\(")):
        base.labs.normalise(test, 10, unit)


def test_qualitative_and_unknown_tests_are_refused(base: Knowledge) -> None:
    labs = base.labs
    assert labs.is_qualitative_only("factor_v_leiden")
    assert not labs.is_qualitative_only("lupus_anticoagulant")
    with pytest.raises(UnitProblem, match="qualitative"):
        labs.normalise("factor_v_leiden", 1, "%")
    assert not labs.is_known("cd138_endometrial_biopsy")
    with pytest.raises(UnitProblem, match="not in the laboratory catalogue"):
        labs.normalise("cd138_endometrial_biopsy", 1, "%")


def test_catalogue_covers_the_work_up(base: Knowledge) -> None:
    wanted = {
        "tsh", "free_t4", "tpo_ab", "tg_ab", "acl_igg", "acl_igm", "ab2gpi_igg", "ab2gpi_igm",
        "lupus_anticoagulant", "ana", "prolactin", "hba1c", "fasting_glucose", "fasting_insulin",
        "vitamin_d_25oh", "amh", "progesterone", "homocysteine", "factor_v_leiden",
        "prothrombin_g20210a", "protein_c", "protein_s", "antithrombin", "mthfr",
        "nk_cells_peripheral", "nk_cells_uterine", "hla_typing", "kir_typing", "cytokines",
        "anti_hla", "endometrial_microbiome", "endometrial_receptivity_array",
        "sperm_dna_fragmentation", "platelets", "creatinine", "egfr", "creatinine_clearance",
        "alt", "hcg", "embryo_mtdna", "anti_hy",
    }  # fmt: skip
    assert wanted <= set(base.labs.known_tests())


def test_plausible_ranges_are_in_the_canonical_unit(base: Knowledge) -> None:
    limit = base.labs.plausible("vitamin_d_25oh")
    assert limit is not None
    assert (limit.key, limit.unit, limit.min) == ("labs.vitamin_d_25oh", "ng/mL", 0)
    assert base.labs.plausible("hla_typing") is None

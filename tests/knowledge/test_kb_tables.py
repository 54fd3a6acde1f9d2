"""Lookup tables: band edges, grid ranges, mappings and documented gaps."""

from __future__ import annotations

import pytest

from nidation.knowledge import Knowledge


@pytest.mark.parametrize(
    ("age", "expected"),
    [(20.0, 0.60), (34.99, 0.60), (35.0, 0.58), (37.9, 0.58), (38.0, 0.56), (40.99, 0.56),
     (41.0, 0.51), (42.5, 0.51), (43.0, 0.395), (55.0, 0.395)],
)  # fmt: skip
def test_embryo_bands_are_inclusive_below_exclusive_above(
    base: Knowledge, age: float, expected: float
) -> None:
    table = base.tables["embryo_implantation"]
    assert table.value("probability", age=age, stage="blastocyst", pgta_status="euploid") == (
        pytest.approx(expected)
    )


def test_every_stage_and_status_is_covered_for_every_age(base: Knowledge) -> None:
    table = base.tables["embryo_implantation"]
    for stage in ("blastocyst", "cleavage"):
        for status in ("euploid", "untested"):
            for age in (18, 35, 38, 41, 43, 50):
                p = table.value("probability", age=age, stage=stage, pgta_status=status)
                assert p is not None and 0 < p < 1
    # untested embryos never beat euploid ones of the same stage and age
    for age in (30, 36, 39, 42, 44):
        for stage in ("blastocyst", "cleavage"):
            euploid = table.value("probability", age=age, stage=stage, pgta_status="euploid")
            untested = table.value("probability", age=age, stage=stage, pgta_status="untested")
            assert euploid is not None and untested is not None and untested < euploid


def test_verified_flags_follow_the_reference(base: Knowledge) -> None:
    table = base.tables["embryo_implantation"]
    row = table.lookup(age=30, stage="blastocyst", pgta_status="euploid")
    assert row is not None and row["verified"] is True
    for status, stage in (("untested", "blastocyst"), ("untested", "cleavage")):
        assert all(r["verified"] is False for r in table.matches(stage=stage, pgta_status=status))
    over_42 = table.lookup(age=44, stage="blastocyst", pgta_status="euploid")
    assert over_42 is not None and over_42["verified"] is False  # our midpoint choice


def test_status_mapping_handles_mosaic_and_aneuploid(base: Knowledge) -> None:
    mapping = base.tables["embryo_status_mapping"]
    mosaic = mapping.lookup(field="pgta_status", value="mosaic")
    assert mosaic is not None and (mosaic["maps_to"], mosaic["action"]) == ("untested", "lookup")
    aneuploid = mapping.lookup(field="pgta_status", value="aneuploid")
    assert aneuploid is not None and aneuploid["action"] == "exclude"
    assert aneuploid["maps_to"] is None
    assert mapping.lookup(field="pgta_status", value="no-such-status") is None


def test_brigham_cells_and_flags(base: Knowledge) -> None:
    table = base.tables["brigham_live_birth"]
    cell = table.lookup(maternal_age_years=30, previous_losses=3)
    assert cell is not None
    assert (cell["live_birth_probability"], cell["verified"]) == (0.80, True)
    unverified = table.lookup(maternal_age_years=45, previous_losses=5)
    assert unverified is not None
    assert (unverified["live_birth_probability"], unverified["verified"]) == (0.42, False)
    verified = {
        (r["maternal_age_years"], r["previous_losses"]) for r in table.rows if r["verified"]
    }
    assert verified == {(20, 2), (25, 2), (30, 2), (30, 3), (30, 5), (35, 2), (40, 2)}
    assert len(table.rows) == 24


def test_brigham_valid_range_is_declared(base: Knowledge) -> None:
    table = base.tables["brigham_live_birth"]
    assert table.in_valid_range(maternal_age_years=20, previous_losses=2)
    assert table.in_valid_range(maternal_age_years=45, previous_losses=5)
    assert not table.in_valid_range(maternal_age_years=46, previous_losses=3)
    assert not table.in_valid_range(maternal_age_years=30, previous_losses=6)
    with pytest.raises(KeyError):
        table.in_valid_range(bmi=22)


def test_miscarriage_baseline_risk(base: Knowledge) -> None:
    table = base.tables["miscarriage_baseline_risk"]
    assert table.value("probability", age=25) == pytest.approx(0.10)
    assert table.value("probability", age=29.9) == pytest.approx(0.10)
    assert table.value("probability", age=45) == pytest.approx(0.53)
    assert table.value("probability", age=19) == pytest.approx(0.12)
    assert table.value("probability", age=22) is None  # not in the reference: no value
    lowest = table.lookup(age=27)
    assert lowest is not None and lowest["verified"] is True


def test_lookup_needs_every_key(base: Knowledge) -> None:
    table = base.tables["embryo_implantation"]
    with pytest.raises(ValueError, match="rows match"):
        table.lookup(age=30)
    with pytest.raises(KeyError):
        table.lookup(age=30, colour="blue")

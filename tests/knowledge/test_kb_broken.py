"""A broken copy of the data is refused with a KnowledgeError naming file, entry and field."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest

from nidation.errors import KnowledgeError
from nidation.knowledge import load_knowledge

Edit = Callable[[str, str, str], None]


def refused(root: pathlib.Path) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_root=root)
    return str(caught.value)


def test_an_unmodified_copy_loads_with_the_same_version(data_copy: pathlib.Path) -> None:
    assert load_knowledge(data_root=data_copy).version == load_knowledge().version


def test_a_changed_value_changes_the_version(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("thresholds.toml", 'value = 84\nunit = "days"', 'value = 85\nunit = "days"')
    changed = load_knowledge(data_root=data_copy)
    assert changed.value("aps.persistence_min_days") == 85
    assert changed.version != load_knowledge().version


def test_unknown_source_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("thresholds.toml", 'value = 84\nunit = "days"\noperator = ">="\nsource = "sydney-2006"',
         'value = 84\nunit = "days"\noperator = ">="\nsource = "sydney-2060"')  # fmt: skip
    message = refused(data_copy)
    assert "thresholds.toml" in message
    assert "aps.persistence_min_days" in message
    assert "source" in message and "sydney-2060" in message


def test_missing_threshold_locator_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "thresholds.toml",
        'locator = "Tacrolimus cohorts: Th1/Th2 ratio ≥10.3 (research only)"\n',
        "",
    )
    message = refused(data_copy)
    assert "thresholds.toml" in message
    assert "immunology.th1_th2_ratio_research_min" in message
    assert "locator" in message


def test_empty_recommendation_locator_is_named(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("recommendations.toml",
         '[recommendations."kolte-2015/non-visualised-pregnancy-loss"]\nsource = "kolte-2015"\n'
         'locator = "Terminology: non-visualised pregnancy loss"',
         '[recommendations."kolte-2015/non-visualised-pregnancy-loss"]\nsource = "kolte-2015"\n'
         'locator = ""')  # fmt: skip
    message = refused(data_copy)
    assert "recommendations.toml" in message
    assert "kolte-2015/non-visualised-pregnancy-loss" in message and "locator" in message


def test_recommendation_id_must_name_its_source(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "recommendations.toml",
        '[recommendations."kolte-2015/non-visualised-pregnancy-loss"]\nsource = "kolte-2015"',
        '[recommendations."kolte-2015/non-visualised-pregnancy-loss"]\nsource = "icmart-2017"',
    )
    message = refused(data_copy)
    assert "kolte-2015/non-visualised-pregnancy-loss" in message and "'<source>/<slug>'" in message


def test_duplicate_toml_key_is_refused(data_copy: pathlib.Path) -> None:
    path = data_copy / "thresholds.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\n[thresholds."aps.persistence_min_days"]\nvalue = 1\n', "utf-8")
    message = refused(data_copy)
    assert "thresholds.toml" in message and "not valid TOML" in message


def test_probability_outside_zero_one(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "tables/embryo_implantation.csv",
        "35,38,blastocyst,euploid,0.58,",
        "35,38,blastocyst,euploid,1.58,",
    )
    message = refused(data_copy)
    assert "tables/embryo_implantation.csv" in message
    assert "row 3" in message and "probability" in message and "[0, 1]" in message


def test_band_gap_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/embryo_implantation.csv", "38,41,blastocyst,euploid,", "39,41,blastocyst,euploid,")
    message = refused(data_copy)
    assert "gap" in message and "age_min" in message and "row 4" in message


def test_band_overlap_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/embryo_implantation.csv", "38,41,blastocyst,euploid,", "37,41,blastocyst,euploid,")
    message = refused(data_copy)
    assert "overlap" in message and "row 4" in message


def test_second_open_band_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/miscarriage_baseline_risk.csv", "40,45,0.33,", "40,,0.33,")
    message = refused(data_copy)
    assert "miscarriage_baseline_risk.csv" in message and "open above" in message


def test_duplicate_table_key_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/brigham_live_birth.csv", "\n20,3,0.90,", "\n20,2,0.90,")
    message = refused(data_copy)
    assert "brigham_live_birth.csv" in message and "duplicate key" in message


def test_missing_grid_cell_is_refused(data_copy: pathlib.Path) -> None:
    path = data_copy / "tables" / "brigham_live_birth.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("45,5,")), "utf-8")
    message = refused(data_copy)
    assert "grid" in message and "(45, 5)" in message


def test_unknown_row_source_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("tables/miscarriage_baseline_risk.csv", "45,,0.53,magnus-2019", "45,,0.53,magnus-2091")
    message = refused(data_copy)
    assert "miscarriage_baseline_risk.csv" in message and "magnus-2091" in message


def test_bad_verified_flag_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "tables/embryo_implantation.csv",
        'Harton 2013 gives 51% at <35",true,',
        'Harton 2013 gives 51% at <35",yes,',
    )
    message = refused(data_copy)
    assert "row 2" in message and "verified" in message


def test_loinc_outside_the_catalogue_is_refused(data_copy: pathlib.Path) -> None:
    path = data_copy / "valuesets" / "loinc.csv"
    path.write_text(path.read_text("utf-8") + "tsh,9999-9,http://loinc.org,Made up\n", "utf-8")
    message = refused(data_copy)
    assert "valuesets/loinc.csv" in message and "9999-9" in message


def test_unparseable_unit_expression_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "labs.toml",
        '[labs.tsh.units]\n"mIU/L" = "mIU/L"\n"mIU/l" = "mIU/L"',
        '[labs.tsh.units]\n"mIU/L" = "mIU/L"\n"mIU/l" = "mIU/Lx"',
    )
    message = refused(data_copy)
    assert "labs.toml" in message and "labs.tsh.units" in message and "mIU/l" in message


def test_unit_without_a_path_to_canonical_is_refused(data_copy: pathlib.Path, edit: Edit) -> None:
    edit(
        "labs.toml",
        '"nmol/l" = "nmol/L"\n\n[labs.vitamin_d_25oh.plausible]',
        '"nmol/l" = "nmol/L"\n"IU/mL" = "IU/mL"\n\n[labs.vitamin_d_25oh.plausible]',
    )
    message = refused(data_copy)
    assert "labs.vitamin_d_25oh.units" in message and "cannot reach the canonical unit" in message


def test_conversion_needs_its_parameters(data_copy: pathlib.Path, edit: Edit) -> None:
    edit("labs.toml", "factor = 2.496\n", "")
    message = refused(data_copy)
    assert "labs.toml" in message and "labs.vitamin_d_25oh" in message and "factor" in message


def test_missing_file_is_named(data_copy: pathlib.Path) -> None:
    (data_copy / "plausibility.toml").unlink()
    assert "plausibility.toml" in refused(data_copy)


def test_area_files_add_entries_and_a_key_defined_twice_is_refused(
    data_copy: pathlib.Path,
) -> None:
    area = data_copy / "thresholds.d"
    area.mkdir(exist_ok=True)
    (area / "extra.toml").write_text(
        '[thresholds."demo.extra_value_mm"]\nvalue = 3\nunit = "mm"\n'
        'source = "eshre-rpl-2022"\nlocator = "test"\nverified = false\n',
        encoding="utf-8",
    )
    kb = load_knowledge(data_root=data_copy)
    assert kb.value("demo.extra_value_mm") == 3
    (area / "twice.toml").write_text(
        '[thresholds."rpl.eshre_min_losses"]\nvalue = 3\nunit = "count"\n'
        'source = "eshre-rpl-2022"\nlocator = "test"\nverified = false\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match=r"already defined in thresholds\.toml"):
        load_knowledge(data_root=data_copy)

"""House rules for the knowledge package: no clinical numbers in Python, required keys present."""

from __future__ import annotations

import ast
import pathlib

import nidation.knowledge as package
from nidation.knowledge import Knowledge

PACKAGE_DIR = pathlib.Path(package.__file__).parent
# Structural numbers only: indices, counts, CSV line offsets and the 8-character hash prefix.
ALLOWED_NUMBERS = {0, 1, 2, 8}


def test_no_clinical_number_lives_in_python() -> None:
    found = []
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and value not in ALLOWED_NUMBERS:
                found.append(f"{path.name}:{getattr(node, 'lineno', 0)}: {value}")
    assert not found, "numbers belong in data files: " + ", ".join(found)


def test_public_api_is_exported() -> None:
    for name in ["Knowledge", "load_knowledge", "LookupTable", "Labs", "Source", "Threshold",
                 "Recommendation", "PlausibilityLimit", "ValueSet", "LabTest"]:  # fmt: skip
        assert name in package.__all__ and hasattr(package, name)


def test_value_sets_hold_the_required_keys(base: Knowledge) -> None:
    required = {
        "conditions": "sle aps diabetes_type1 diabetes_type2 pcos hypothyroidism hyperthyroidism "
        "thyroid_autoimmunity inherited_thrombophilia vte_history bleeding_disorder "
        "renal_impairment liver_impairment retinal_disease hit_history g6pd_deficiency porphyria "
        "psoriasis hypertension peptic_ulcer aspirin_exacerbated_respiratory_disease "
        "iga_deficiency hyperprolactinaemia endometriosis adenomyosis heart_failure epilepsy "
        "qt_prolongation",
        "medications": "levothyroxine lmwh enoxaparin dalteparin tinzaparin nadroparin "
        "unfractionated_heparin aspirin prednisolone prednisone dexamethasone hydroxychloroquine "
        "metformin progesterone_vaginal dydrogesterone intralipid ivig g_csf vitamin_d omega_3 "
        "folic_acid doxycycline metronidazole ciprofloxacin tacrolimus warfarin doac nsaid "
        "macrolide cimetidine tamoxifen bromocriptine cabergoline insulin antiepileptic "
        "sildenafil growth_hormone",
        "allergies": "egg soy peanut heparin aspirin nsaid tetracycline quinolone penicillin "
        "latex progesterone hydroxychloroquine lipid_emulsion",
        "therapies": "lmwh low_dose_aspirin prednisolone hydroxychloroquine metformin intralipid "
        "ivig g_csf vitamin_d omega_3 levothyroxine progesterone antibiotics_chronic_endometritis "
        "septum_resection polypectomy myomectomy adhesiolysis salpingectomy_or_occlusion "
        "endometrial_scratching prp pgt_a tacrolimus lifestyle psychological_support "
        "lymphocyte_immunisation tnf_blockers hcg_supplementation era_timed_transfer "
        "assisted_hatching",
    }
    for name, keys in required.items():
        missing = set(keys.split()) - base.valuesets[name].keys()
        assert not missing, f"{name}: {sorted(missing)}"


def test_unverified_values_are_flagged(base: Knowledge) -> None:
    # values the clinical reference marks UGK must never be presented as verified
    unverified = [
        "rif.eshre_cumulative_threshold_fraction",
        "rif.eshre_operator",
        "rpl.upper_gestation_weeks",
        "pregnancy.viability_weeks",
        "prolactin.upper_limit_ng_per_ml",
        "thyroid.tpo_ab_positive_min_iu_per_ml",
    ]
    for key in unverified:
        assert base.threshold(key).verified is False, key
    for key, limit in base.plausibility.items():
        assert (limit.source, limit.verified) == ("nidation-plausibility", False), key

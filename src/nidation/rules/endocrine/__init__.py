"""Endocrine, metabolic and lifestyle causes of recurrent implantation failure and recurrent
pregnancy loss: thyroid dysfunction (THY-CAUSE-001) and thyroid autoimmunity (THY-CAUSE-002),
diabetes (MET-CAUSE-001), insulin resistance / PCOS / excess weight (MET-CAUSE-002),
hyperprolactinaemia (PRL-CAUSE-001), vitamin D deficiency (VITD-CAUSE-001) and lifestyle
factors — smoking, alcohol, caffeine, BMI (LIFE-CAUSE-001).

Each cause is decided in a ``cause_<name>`` derivation (every patient, ``patient_id``,
``status`` and evidence) that its rule returns, so that other rules (the investigation plan,
"unexplained" RPL/RIF) can read it: ``cause_thyroid_dysfunction``,
``cause_thyroid_autoimmunity``, ``cause_diabetes``, ``cause_insulin_resistance_pcos_obesity``,
``cause_hyperprolactinaemia``, ``cause_vitamin_d_deficiency``, ``cause_lifestyle_factors``.
Laboratory values are compared in the catalogue's canonical unit (``latest_labs``); where the
source says to prefer the laboratory's own range, its ``reference_high``/``reference_low`` decide
when the result carries one. A test not done leaves its cause ``not_assessed``."""

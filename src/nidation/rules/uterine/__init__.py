"""Uterine, tubal and endometrial causes of recurrent implantation failure and recurrent
pregnancy loss: congenital anomalies (ESHRE/ESGE classes), polyps, cavity-distorting fibroids,
adhesions, adenomyosis, endometriosis, hydrosalpinx, thin endometrium, chronic endometritis,
the endometrial microbiome and uterine NK cells, plus pregnancy surveillance after a congenital
anomaly. Causes other rules read are decided in derivations ``cause_uterine_anomaly`` and
``cause_hydrosalpinx``."""

"""The work-up: which investigations each patient needs, has had, must repeat or should not
have, read from the investigation catalogue (knowledge table ``investigations``), and the
"unexplained" criteria that need the minimum work-up complete and negative.

``catalogue`` applies the catalogue to every patient (derivations ``workup_indications`` and
``investigation_items``); ``plan`` and ``against`` list the items (INV-PLAN-001..003,
INV-AVOID-001); ``unexplained`` decides RPL-DEF-006 and RIF-DEF-005.
"""
